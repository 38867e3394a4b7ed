import { useState } from "react";

/** A fetch (App Bridge adds the session token to it inside Shopify's admin), saved as a file. */
export function useCsvExport() {
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      const response = await fetch("/app/consent/export");
      if (!response.ok) throw new Error(`export answered ${response.status}`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = `consent-ledger-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } finally {
      setExporting(false);
    }
  };
  return { exportCsv, exporting };
}
