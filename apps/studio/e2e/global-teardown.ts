/** After the browser tests: the virtual audio device stopped. */
import { virtualAudio } from "./global-setup";

export default function globalTeardown(): void {
  virtualAudio(["stop"]);
}
