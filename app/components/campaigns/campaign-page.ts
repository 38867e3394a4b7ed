import type { campaignDetail } from "../../admin/campaigns.server";

/** What the campaign page's loader reads: the campaign, progress by message state, results, activity. */
export type CampaignDetail = Awaited<ReturnType<typeof campaignDetail>>;
