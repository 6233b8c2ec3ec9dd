// The pairing form: this device is not a paired kiosk (any more), so it forgets the list
// of registrations an earlier pairing kept for offline use.
import { forget } from "./kiosk_roster.js";

forget();
