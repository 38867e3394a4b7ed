import type { segmentMembers } from "../../admin/segments/members.server";
import type { segmentOverview } from "../../admin/segments/overview.server";

/** What the segment page's loader reads: the overview (counts, history, changes, overlap) and a page of members. */
export type SegmentOverview = NonNullable<Awaited<ReturnType<typeof segmentOverview>>>;
export type SegmentMember = Awaited<ReturnType<typeof segmentMembers>>["members"][number];
