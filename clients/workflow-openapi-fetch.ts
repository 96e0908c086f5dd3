// A front end's workflow written against the types openapi-typescript generates from /api/schema/
// (build/schema.d.ts), with openapi-fetch. tests/test_generated_clients.py type-checks it (tsc --strict).
import createClient from "openapi-fetch";
import type { components, paths } from "./build/schema";

type Defendant = components["schemas"]["Defendant"];
type Problem = components["schemas"]["Problem"];
type DefendantStatus = components["schemas"]["DefendantStatusEnum"];

export async function workflow(baseUrl: string, token: string): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const seen: string[] = [];

  // Page and cursor through defendants, sorted by two keys.
  const page = await api.GET("/api/v1/defendants/", {
    params: { query: { page_size: 2, ordering: ["case", "-id"] } },
  });
  const first: Defendant | undefined = page.data?.results[0];
  const status: DefendantStatus | undefined = first?.status;
  if (first && status) seen.push(`${first.person.label}: ${status}`);
  let cursor: string | null | undefined = "";
  while (cursor !== null && cursor !== undefined) {
    const crawl: { data?: { next: string | null; results: Defendant[] } } = await api.GET("/api/v1/defendants/", {
      params: { query: { cursor, page_size: 100 } },
    });
    crawl.data?.results.forEach((defendant: Defendant) => seen.push(String(defendant.id)));
    cursor = crawl.data?.next ? new URL(crawl.data.next).searchParams.get("cursor") : null;
  }

  // Search, and one person with their cases.
  const hits = await api.GET("/api/v1/search/", { params: { query: { q: "Kozlov", kind: ["person"] } } });
  const person = hits.data?.results[0];
  if (person) {
    const detail = await api.GET("/api/v1/persons/{id}/", { params: { path: { id: person.id } } });
    detail.data?.defendants.forEach((defendant) => seen.push(defendant.case.label));
  }

  // A status change, with a token and If-Match; an error is a problem document.
  const defendantId = first?.id ?? 1;
  const read = await api.GET("/api/v1/defendants/{id}/", { params: { path: { id: defendantId } } });
  const etag = read.response.headers.get("ETag") ?? "";
  const changed = await api.POST("/api/v1/defendants/{id}/status-changes/", {
    params: { path: { id: defendantId } },
    headers: { Authorization: `Token ${token}`, "If-Match": etag },
    body: { status: "released", date: "2016-08", note: "Released on parole.", excerpt: "" },
  });
  const problem: Problem | undefined = changed.error;
  if (problem) seen.push(`${problem.status} ${problem.code}: ${problem.detail}`);

  // The change feed, from the start.
  let since = "";
  for (;;) {
    const feed = await api.GET("/api/v1/changes/", { params: { query: { since, page_size: 100 } } });
    if (!feed.data) break;
    feed.data.results.forEach((entry) => seen.push(`${entry.action} ${entry.kind} ${entry.id}`));
    since = feed.data.cursor;
    if (feed.data.next === null) break;
  }
  return seen;
}
