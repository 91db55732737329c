// usage.ts reads the client types openapi-typescript generates from
// httpapi/openapi.yaml (into gen/api.ts), as a frontend would: it must
// compile with tsc --strict, so that a schema left untyped or a member
// renamed in the document breaks the build here.
import type { components, paths } from "./gen/api";

type Ticket = components["schemas"]["Ticket"];
type SLAState = NonNullable<Ticket["sla"]>;
type Problem = components["schemas"]["Problem"];
type TicketResponse = paths["/tickets/{id}"]["get"]["responses"][200]["content"]["application/json"];
type NotFound = paths["/tickets/{id}"]["get"]["responses"][404]["content"]["application/problem+json"];

// Exactly<T, U> is true only when T and U are the same type: an untyped
// object schema gives members of type never, which a plain assignment
// would accept.
type Exactly<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;
export const dueTimesAreStrings: Exactly<Required<SLAState>["resolution_due" | "first_response_due" | "next_response_due"], string> = true;
export const fieldRulesAreStrings: Exactly<NonNullable<Problem["errors"]>[number]["rule"], string> = true;

// resolutionDue is when the ticket's resolution falls due, if it does.
export function resolutionDue(t: Ticket): Date | undefined {
  const due: string | undefined = t.sla?.resolution_due;
  return due === undefined ? undefined : new Date(due);
}

// breached lists the SLA targets the ticket missed.
export function breached(t: TicketResponse): string[] {
  return t.sla?.breached ?? [];
}

// fieldMessages maps each invalid field of a problem document to its
// message, for showing next to the form field.
export function fieldMessages(p: Problem): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of p.errors ?? []) {
    out.set(e.field, `${e.rule}: ${e.message}`);
  }
  return out;
}

// notFoundCode is the catalogue code of a 404 answer.
export function notFoundCode(p: NotFound): Problem["code"] {
  const status: number = p.status;
  return status === 404 ? p.code : "internal";
}
