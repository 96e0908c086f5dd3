// The same calls through the axios client orval generates (build/orval/api.ts); type-checked by tsc --strict.
import { getCasetrackerAPI } from "./build/orval/api";
import type { DefendantStatusEnum, Problem } from "./build/orval/api";

export async function workflow(): Promise<string[]> {
  const api = getCasetrackerAPI();
  const seen: string[] = [];
  const page = await api.defendantsList({ page_size: 2, ordering: ["case", "-id"] });
  const status: DefendantStatusEnum | undefined = page.data.results[0]?.status;
  if (status) seen.push(status);
  const feed = await api.changesRetrieve({ since: "" });
  feed.data.results.forEach((entry) => seen.push(`${entry.action} ${entry.kind} ${entry.id}`));
  const problem: Problem = { type: "", title: "", status: 404, detail: "", code: "not_found", instance: "/" };
  seen.push(problem.code);
  return seen;
}
