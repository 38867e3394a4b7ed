import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { invalid } from "../admin/form-result";
import { requireShop } from "../admin/auth.server";
import { parseSegmentForm } from "../admin/segments/form.server";
import { newCondition, newGroup } from "../admin/segments/draft";
import { createSegment } from "../segments/manage.server";
import { services } from "../runtime/services.server";
import { SegmentBuilder } from "../components/segments/SegmentBuilder";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireShop(request);
  return null;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request); // the development login rebuilds the request, which would consume this one's body
  const parsed = parseSegmentForm(await request.formData());
  if ("errors" in parsed) return invalid(parsed.errors);
  const { db, queue, clock } = services();
  const segment = await createSegment({ db, queue, shopId: shop.id, input: parsed.input, now: clock.now() });
  return redirect(`/app/segments/${segment.id}`);
};

export default function NewSegment() {
  const result = useActionData<typeof action>();
  return (
    <SegmentBuilder
      title="New segment"
      backUrl="/app/segments"
      initial={{ name: "", description: "", root: newGroup("and", [newCondition("orders_count")]) }}
      errors={result?.errors}
    />
  );
}
