import db from "../db.server";
import { TableJobQueue } from "./table-queue.server";

/** The process's job queue (the table-backed queue until the PostgreSQL engine lands). */
export const queue = new TableJobQueue(db);
