/** Types for ireal-reader 1.3.1 (MIT), which ships none. */
declare module "ireal-reader" {
  export interface IRealSong {
    title: string;
    composer: string;
    style: string;
    key: string;
    transpose: number | null;
    music: { timeSignature: string | null; measures: (string | null)[][]; raw: string };
    compStyle?: string;
    bpm: number | null;
    repeats: number | null;
  }
  export default function iRealReader(data: string): { name?: string; songs: IRealSong[] };
}
