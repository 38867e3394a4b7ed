import { useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, InlineStack, Pagination } from "@shopify/polaris";
import { formatDateTime } from "../../admin/format";
import type { SegmentMember } from "./segment-page";

/** A page of the segment's members, newest first, with keyset pagination in the URL. */
export function MemberTable({
  members,
  nextCursor,
  backfilling,
  timeZone,
}: {
  members: SegmentMember[];
  nextCursor: string | null;
  backfilling: boolean;
  timeZone: string;
}) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <Card padding="0">
      {members.length === 0 ? (
        <EmptyState heading="No members yet" image="">
          <p>
            {backfilling
              ? "Existing customers are still being evaluated."
              : "Customers join as soon as they match; store activity keeps this current."}
          </p>
        </EmptyState>
      ) : (
        <>
          <IndexTable
            resourceName={{ singular: "member", plural: "members" }}
            itemCount={members.length}
            selectable={false}
            headings={[{ title: "Name" }, { title: "Phone" }, { title: "SMS consent" }, { title: "Entered" }]}
          >
            {members.map((m, i) => (
              <IndexTable.Row id={m.id} key={m.id} position={i}>
                <IndexTable.Cell>{m.name}</IndexTable.Cell>
                <IndexTable.Cell>{m.phone ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={m.consent === "SUBSCRIBED" ? "success" : undefined}>
                    {m.consent.toLowerCase().replace("_", " ")}
                  </Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>{formatDateTime(m.enteredAt, timeZone)}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
          {params.has("after") || nextCursor ? (
            <InlineStack align="center">
              <Pagination
                hasPrevious={params.has("after")}
                onPrevious={() => navigate(-1)}
                hasNext={!!nextCursor}
                onNext={() => navigate(`?after=${nextCursor}`)}
              />
            </InlineStack>
          ) : null}
        </>
      )}
    </Card>
  );
}
