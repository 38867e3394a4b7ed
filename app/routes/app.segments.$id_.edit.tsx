import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { invalid } from "../admin/form-result";
import { notFound, requireShop } from "../admin/auth.server";
import { parseSegmentForm } from "../admin/segments/form.server";
import { findSegment } from "../admin/segments/overview.server";
import { nodeToDraft } from "../admin/segments/draft";
import { SegmentNodeSchema } from "../segments/definition";
import { updateSegment } from "../segments/manage.server";
import { services } from "../runtime/services.server";
import db from "../db.server";
import { SegmentBuilder } from "../components/segments/SegmentBuilder";

/** Only the shop's own live custom segments can be edited; built-ins are read-only. */
async function editableSegment(shopId: string, id: string | undefined) {
  const segment = id ? await findSegment(db, shopId, id) : null;
  if (!segment || segment.kind !== "CUSTOM") notFound("Segment");
  return segment;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const segment = await editableSegment(shop.id, params.id);
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description ?? "",
    definition: SegmentNodeSchema.parse(segment.definition),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request); // the development login rebuilds the request, which would consume this one's body
  const segment = await editableSegment(shop.id, params.id);
  const parsed = parseSegmentForm(await request.formData());
  if ("errors" in parsed) return invalid(parsed.errors);
  const deps = services();
  await updateSegment({
    db: deps.db,
    queue: deps.queue,
    shopId: shop.id,
    segmentId: segment.id,
    input: parsed.input,
    now: deps.clock.now(),
  });
  return redirect(`/app/segments/${segment.id}`);
};

export default function EditSegment() {
  const segment = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <SegmentBuilder
      key={segment.id}
      title={`Edit ${segment.name}`}
      backUrl={`/app/segments/${segment.id}`}
      initial={{ name: segment.name, description: segment.description, root: nodeToDraft(segment.definition) }}
      errors={result?.errors}
    />
  );
}
