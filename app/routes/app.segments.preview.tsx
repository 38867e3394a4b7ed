import { data, type ActionFunctionArgs } from "@remix-run/node";
import { requireShop } from "../admin/auth.server";
import { previewDraft } from "../admin/segments/preview.server";
import { SegmentNodeSchema } from "../segments/definition";
import db from "../db.server";
import { clock } from "../runtime/services.server";

/** The builder's live count and member preview for a draft definition (POST definition=<json>). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request); // the development login rebuilds the request, which would consume this one's body
  const form = await request.formData();
  let parsed;
  try {
    parsed = SegmentNodeSchema.safeParse(JSON.parse(String(form.get("definition") ?? "")));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) return data({ preview: null, incomplete: true }, { status: 400 });
  return {
    preview: await previewDraft({ db, shopId: shop.id, definition: parsed.data, now: clock.now() }),
    incomplete: false,
  };
};
