/** The admin's pages, in navigation order: App Bridge's menu and the development navigation both draw this list. */
export const ADMIN_PAGES = [
  { path: "/app", label: "Home" },
  { path: "/app/segments", label: "Segments" },
  { path: "/app/flows", label: "Flows" },
  { path: "/app/campaigns", label: "Campaigns" },
  { path: "/app/messages", label: "Messages" },
  { path: "/app/consent", label: "Consent" },
  { path: "/app/opt-outs", label: "Possible opt-outs" },
  { path: "/app/settings", label: "Settings" },
] as const;
