// The pages' one way to the JSON API: JSON in and out, problem documents (RFC 9457) turned into
// an ApiError whose `title` is the server's Indonesian sentence, network faults told apart.

export const NETWORK = "network";
export const HTTP = "http";

export class ApiError extends Error {
  constructor(kind, status, problem) {
    super(problem.title || kind);
    this.kind = kind; // NETWORK: nothing (or no answer) came back; the same request may be retried
    this.status = status;
    this.code = problem.code || "";
    this.title = problem.title || "";
    this.problem = problem;
  }
}

// A key the server accepts ([A-Za-z0-9._:-]{8,100}). crypto.randomUUID needs https, which the
// office network does not have; getRandomValues works on plain http too.
export function newKey(prefix = "web") {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return prefix + "-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function request(base, method, path, { token = null, body = undefined, key = null, timeoutMs = 8000, language = null } = {}) {
  const headers = { Accept: "application/json, application/problem+json" };
  if (language) headers["Accept-Language"] = language; // the page's language, for the server's sentences
  if (token) headers.Authorization = "Bearer " + token;
  if (key) headers["Idempotency-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let answer;
  try {
    answer = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: abort.signal,
    });
  } catch (error) {
    throw new ApiError(NETWORK, 0, {});
  } finally {
    clearTimeout(timer);
  }
  let data = {};
  try {
    const text = await answer.text();
    data = text ? JSON.parse(text) : {};
  } catch (error) {
    // A proxy's HTML error page or a cut-off answer: treat like no answer, it is safe to retry.
    if (!answer.ok) throw new ApiError(NETWORK, answer.status, {});
    data = {};
  }
  if (!answer.ok) {
    if (answer.status >= 502 && answer.status <= 504 && !data.code) throw new ApiError(NETWORK, answer.status, {});
    throw new ApiError(HTTP, answer.status, data && typeof data === "object" ? data : {});
  }
  return data;
}

export function clockText(date = new Date()) {
  return date.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
}
