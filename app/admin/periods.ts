// The home page's reporting periods, in days (server and browser).
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];
