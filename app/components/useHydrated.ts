import { useEffect, useState } from "react";

/**
 * False on the server and in the first browser render, true after hydration: for parts
 * (Polaris Viz charts) that measure the browser's layout and so are drawn in the browser only.
 */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
