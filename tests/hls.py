"""A few seconds of real HLS made by ffmpeg, served on 127.0.0.1 with CORS, for the player.

Channels: ``floor`` (a test pattern with a 440 Hz tone, H.264 + AAC), ``es`` and ``fr``
(audio only: 880 Hz and 660 Hz tones, AAC), each a VOD playlist of one-second MPEG-TS
segments. Debian's Chromium plays these through its own HLS player and through hls.js
(Media Source Extensions). ``scripts/setup --test`` installs ffmpeg.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SECONDS = 8
TONES = {"es": 880, "fr": 660}


def make_hls(directory: Path) -> None:
    """Write floor.m3u8, es.m3u8 and fr.m3u8 with their segments into ``directory``."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is missing: run scripts/setup --test")
    hls = ["-f", "hls", "-hls_time", "1", "-hls_list_size", "0", "-hls_playlist_type", "vod"]
    base = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y"]
    subprocess.run([*base, "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", str(SECONDS), "-c:v", "libx264", "-profile:v", "baseline",
                    "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-b:a", "64k",
                    *hls, str(directory / "floor.m3u8")], check=True, timeout=120)
    for name, tone in TONES.items():
        subprocess.run([*base, "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000",
                        "-t", str(SECONDS), "-c:a", "aac", "-b:a", "64k",
                        *hls, str(directory / f"{name}.m3u8")], check=True, timeout=120)


class _Handler(SimpleHTTPRequestHandler):
    # The page and the stream have different origins: hls.js reads the stream with fetch.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet in tests
        pass


@dataclass
class HlsServer:
    directory: Path
    server: ThreadingHTTPServer

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def playlist(self, name: str) -> str:
        return f"{self.url}/{name}.m3u8"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_hls(directory: Path) -> HlsServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return HlsServer(directory, server)
