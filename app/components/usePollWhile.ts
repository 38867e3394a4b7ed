import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Re-runs the page's loaders every few seconds while `running` (long work showing progress). */
export function usePollWhile(running: boolean, everyMs = 3000) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, everyMs);
    return () => clearInterval(timer);
  }, [running, everyMs, revalidator]);
}
