"""Streams and interpretation channels: addresses, validation, the room fallback, commands."""

from __future__ import annotations

import pytest

from rencontre.engine.messages import Refusal
from rencontre.schedule.model import InvalidProgramme, Programme
from rencontre.streams.links import BadLink, Kind, classify, web_link
from rencontre.streams.model import InvalidStream, OnAir, Stream
from tests.unit.helpers import ATTENDEE, MODERATOR, demo_driver

# -- addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "embed", "platform"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
     "youtube"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871", "vimeo"),
    ("https://vimeo.com/76979871/8272103f6e", "https://player.vimeo.com/video/76979871?h=8272103f6e",
     "vimeo"),
    ("https://vimeo.com/event/123456", "https://vimeo.com/event/123456/embed", "vimeo"),
    ("https://tube.example.net/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
     "https://tube.example.net/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d", "peertube"),
    ("https://peertube.example/videos/watch/kkGMgK9ZtnKfYAgnEtQxbv",
     "https://peertube.example/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv", "peertube"),
])
def test_video_pages_of_known_hosts_become_their_embed_form(given, embed, platform):
    link = classify(given)
    assert (link.kind, link.url, link.platform) == (Kind.EMBED, embed, platform)
    # The embed form reads back as itself: exports and re-imports agree.
    assert classify(link.url).url == embed


@pytest.mark.parametrize(("given", "platform"), [
    ("https://us02web.zoom.us/j/85551234567?pwd=abc", "zoom"),
    ("https://meet.jit.si/rencontre-plenary", "jitsi"),
    ("https://bbb.example.org/b/ana-x7k-q2p", "bigbluebutton"),
])
def test_meeting_links_are_recognised(given, platform):
    link = classify(given)
    assert (link.kind, link.url, link.platform) == (Kind.MEETING, given, platform)


def test_a_playlist_is_hls_and_a_self_hosted_meeting_needs_its_kind_said():
    assert classify("https://cdn.example.org/live/es.m3u8").kind is Kind.HLS
    assert classify("https://cdn.example.org/live/es", "hls").kind is Kind.HLS
    with pytest.raises(BadLink):
        classify("https://video.example.org/room-1")
    assert classify("https://video.example.org/room-1", "meeting").platform == "web"


@pytest.mark.parametrize("bad", [
    "", "javascript:alert(1)", "ftp://example.org/a.m3u8", "http://cdn.example.org/a.m3u8",
    "https://user:pw@cdn.example.org/a.m3u8", "https://www.youtube.com/channel/UCxyz",
    "https://vimeo.com/about", "https://exa mple.org/a.m3u8", "data:text/html,hi",
])
def test_unusable_addresses_are_refused(bad):
    with pytest.raises(BadLink):
        classify(bad)


def test_plain_http_is_only_for_playlists_on_this_machine():
    assert classify("http://127.0.0.1:8123/floor.m3u8").kind is Kind.HLS
    with pytest.raises(BadLink):
        classify("http://127.0.0.1:8123/room", "meeting")
    with pytest.raises(BadLink):
        web_link("http://localhost/captions")
    assert web_link("https://captions.example.org/s1") == "https://captions.example.org/s1"


def test_an_embed_kind_on_an_unknown_host_is_refused():
    with pytest.raises(BadLink, match="known host"):
        classify("https://video.example.org/watch/1", "embed")


# -- the model ------------------------------------------------------------------------------

def test_a_stream_reads_channels_with_defaults_and_round_trips():
    stream = Stream.from_json({
        "channels": ["https://cdn.example.org/floor.m3u8",
                     {"language": "es", "media": "audio", "url": "https://cdn.example.org/es.m3u8",
                      "on_air": "off"}],
        "captions": "https://captions.example.org/s1",
    })
    floor, spanish = stream.channels
    assert (floor.id, floor.language, floor.media, floor.on_air) == ("floor", "floor", "video",
                                                                     OnAir.LIVE)
    assert (spanish.id, spanish.media, spanish.on_air) == ("es", "audio", OnAir.OFF)
    assert Stream.from_json(stream.to_json()) == stream


@pytest.mark.parametrize(("data", "place"), [
    ({"channels": [{"url": "https://a.example/x.m3u8"}, {"url": "https://b.example/y.m3u8"}]},
     "stream.channels[1].id"),
    ({"channels": [{"language": "Spanish", "url": "https://a.example/x.m3u8"}]},
     "stream.channels[0].language"),
    ({"channels": [{"url": "https://a.example/x.m3u8", "media": "smell"}]},
     "stream.channels[0].media"),
    ({"channels": [{"url": "https://a.example/page"}]}, "stream.channels[0].url"),
    ({"replay": "http://example.org/replay"}, "stream.replay"),
    ({"channels": [{"url": f"https://a.example/{n}.m3u8", "id": f"c{n}"} for n in range(13)]},
     "stream.channels"),
])
def test_bad_stream_data_says_where(data, place):
    with pytest.raises(InvalidStream) as problem:
        Stream.from_json(data)
    assert problem.value.place == place


def test_a_session_without_channels_follows_its_rooms_stream():
    programme = Programme.from_json(demo_driver().state.programme.to_json())
    plenary = programme.sessions["s02"]
    watch = programme.watch(plenary)
    assert watch.source == "room"
    assert [c.id for c in watch.stream.channels] == ["floor", "fr", "es", "en"]
    plenary.stream = Stream.from_json({"channels": ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
                                       "replay": "https://example.org/replay/s02"})
    watch = programme.watch(plenary)
    assert (watch.source, watch.stream.channels[0].platform) == ("session", "youtube")
    assert watch.stream.replay == "https://example.org/replay/s02"
    workshop = programme.sessions["s03"]  # taller-a has no stream
    assert programme.watch(workshop).source == ""


def test_a_programme_with_a_bad_stream_is_refused_with_its_place():
    data = demo_driver().state.programme.to_json()
    data["sessions"][0]["stream"] = {"channels": ["https://example.org/not-a-stream"]}
    with pytest.raises(InvalidProgramme) as problem:
        Programme.from_json(data)
    assert problem.value.place == "sessions[0].stream.channels[0].url"


def test_a_room_stream_url_from_before_channels_becomes_its_floor_channel():
    data = demo_driver().state.programme.to_json()
    data["rooms"][2].pop("stream", None)
    data["rooms"][2]["stream_url"] = "https://stream.example.org/taller-b"
    programme = Programme.from_json(data)
    channel = programme.rooms[data["rooms"][2]["id"]].stream.channels[0]
    assert (channel.language, channel.kind, channel.platform) == ("floor", Kind.MEETING, "web")


def test_stream_hosts_are_the_configured_origins():
    programme = demo_driver().state.programme
    played, framed = programme.stream_hosts()
    assert played == {"https://stream.example.org"}
    assert framed == set()


# -- commands -------------------------------------------------------------------------------

SPANISH = {"language": "es", "media": "audio", "url": "https://cdn.example.org/s02/es.m3u8"}


def test_stream_set_gives_a_session_its_own_channels_and_every_process_agrees():
    driver = demo_driver()
    outcome = driver.send("stream.set", {"session": "s02", "stream": {
        "channels": ["https://cdn.example.org/s02/floor.m3u8", SPANISH],
        "captions": "https://captions.example.org/s02"}})
    assert outcome["ok"], outcome
    session = driver.state.programme.sessions["s02"]
    assert [c.id for c in session.stream.channels] == ["floor", "es"]
    assert session.updated is not None
    assert driver.state.programme_seq == outcome["seq"]
    push = driver.pushes[-1]
    assert (push.topic, push.message["type"], push.message["target"], push.message["id"]) == (
        "all", "stream.changed", "session", "s02")
    assert push.message["stream"]["channels"][1]["url"] == SPANISH["url"]
    replayed = driver.replay().state.programme.sessions["s02"]
    assert replayed.stream == session.stream


def test_stream_set_on_a_room_reaches_its_sessions_without_their_own():
    driver = demo_driver()
    driver.send("stream.set", {"room": "taller-a", "stream": {
        "channels": ["https://meet.jit.si/taller-a"]}})
    programme = driver.state.programme
    watch = programme.watch(programme.sessions["s03"])
    assert (watch.source, watch.stream.channels[0].platform) == ("room", "jitsi")


def test_stream_set_refuses_bad_data_and_changes_nothing():
    driver = demo_driver()
    before = driver.state.programme.to_json()
    for data, code in [
        ({"session": "s02", "stream": {"channels": ["https://example.org/page"]}},
         "stream.invalid"),
        ({"session": "nope", "stream": {}}, "session.unknown"),
        ({"room": "nope", "stream": {}}, "room.unknown-room"),
        ({"session": "s02", "room": "plenaria", "stream": {}}, "request.invalid"),
        ({"stream": {}}, "request.invalid"),
    ]:
        with pytest.raises(Refusal) as refused:
            driver.send("stream.set", data)
        assert refused.value.code == code, data
    with pytest.raises(Refusal) as refused:
        driver.send("stream.set", {"session": "s02", "stream": {}}, actor=MODERATOR)
    assert refused.value.code == "auth.forbidden"
    assert driver.state.programme.to_json() == before


def test_invalid_stream_refusal_names_the_place_and_the_address():
    driver = demo_driver()
    with pytest.raises(Refusal) as refused:
        driver.send("stream.set", {"session": "s02", "stream": {
            "channels": ["https://cdn.example.org/a.m3u8", "http://cdn.example.org/b.m3u8"]}})
    assert refused.value.params["place"] == "stream.channels[1].url"
    assert refused.value.params["url"] == "http://cdn.example.org/b.m3u8"


def test_an_empty_stream_clears_the_sessions_own_channels():
    driver = demo_driver()
    driver.send("stream.set", {"session": "s02", "stream": {"channels": [SPANISH]}})
    driver.send("stream.set", {"session": "s02", "stream": {"channels": []}})
    programme = driver.state.programme
    assert programme.watch(programme.sessions["s02"]).source == "room"


def test_moderators_put_a_channel_on_air_off_air_and_move_it():
    driver = demo_driver()
    driver.send("stream.set", {"session": "s02", "stream": {"channels": [
        {**SPANISH, "on_air": "off"}]}})
    outcome = driver.send("stream.channel", {"session": "s02", "channel": "es",
                                             "on_air": "live"}, actor=MODERATOR)
    assert outcome["ok"], outcome
    channel = driver.state.programme.sessions["s02"].stream.channel("es")
    assert channel.on_air is OnAir.LIVE
    driver.send("stream.channel", {"session": "s02", "channel": "es",
                                   "url": "https://backup.example.org/es.m3u8"}, actor=MODERATOR)
    channel = driver.state.programme.sessions["s02"].stream.channel("es")
    assert (channel.url, channel.media, channel.on_air) == (
        "https://backup.example.org/es.m3u8", "audio", OnAir.LIVE)
    assert driver.pushes[-1].message["stream"]["channels"][0]["url"] == channel.url
    driver.send("stream.channel", {"room": "plenaria", "channel": "fr", "on_air": "ended"},
                actor=MODERATOR)
    assert driver.state.programme.rooms["plenaria"].stream.channel("fr").on_air is OnAir.ENDED


def test_stream_channel_refusals():
    driver = demo_driver()
    cases = [
        ({"room": "plenaria", "channel": "de", "on_air": "live"}, "stream.unknown-channel"),
        ({"room": "plenaria", "channel": "es"}, "request.missing"),
        ({"room": "plenaria", "channel": "es", "on_air": "live"}, "stream.unchanged"),
        ({"room": "plenaria", "channel": "es", "url": "http://example.org/es.m3u8"},
         "stream.invalid"),
    ]
    for data, code in cases:
        with pytest.raises(Refusal) as refused:
            driver.send("stream.channel", data, actor=MODERATOR)
        assert refused.value.code == code, data
    with pytest.raises(Refusal) as refused:
        driver.send("stream.channel", {"room": "plenaria", "channel": "es", "on_air": "off"},
                    actor=ATTENDEE)
    assert refused.value.code == "auth.forbidden"


def test_a_reimported_programme_keeps_streams_and_counts_a_new_stream_as_an_update():
    driver = demo_driver()
    data = driver.state.programme.to_json()
    data["sessions"][1]["stream"] = {"channels": [SPANISH]}
    driver.send("schedule.load", {"programme": data})
    session = driver.state.programme.sessions[data["sessions"][1]["id"]]
    assert session.stream.channel("es").url == SPANISH["url"]
    assert session.sequence == 0 and session.updated is not None


def test_a_replay_on_a_known_host_or_in_hls_is_played_in_the_page_and_allowed_by_the_csp():
    stream = Stream.from_json({"replay": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})
    assert stream.replay == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"  # linked as given
    assert stream.to_json()["replay_player"] == {
        "kind": "embed", "url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "platform": "youtube"}
    assert Stream.from_json(stream.to_json()) == stream
    page = Stream.from_json({"replay": "https://media.example.org/s02"})
    assert page.replay_player is None and "replay_player" not in page.to_json()
    local = Stream.from_json({"replay": "http://127.0.0.1:8000/s02.m3u8"})
    assert local.replay_player.kind is Kind.HLS
    programme = demo_driver().state.programme
    programme.sessions["s03"].stream = stream
    assert programme.stream_hosts()[1] == {"https://www.youtube-nocookie.com"}


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_a_reimport_without_streams_keeps_the_ones_organisers_set(mode):
    driver = demo_driver()
    file = driver.state.programme.to_json()
    for item in (*file["rooms"], *file["sessions"]):
        item.pop("stream", None)  # a schedule file that says nothing of streams
    driver.send("stream.set", {"session": "s03", "stream": {"channels": [SPANISH]}})
    outcome = driver.send("schedule.load", {"programme": file, "mode": mode})
    assert outcome["ok"], outcome
    programme = driver.state.programme
    assert programme.sessions["s03"].stream.channel("es").url == SPANISH["url"]
    assert [c.id for c in programme.rooms["plenaria"].stream.channels] == [
        "floor", "fr", "es", "en"]
    assert programme.sessions["s03"].sequence == 0, "keeping a stream is not a change"
    assert driver.replay().state.programme.to_json() == programme.to_json()
