// The console's link to the server: requests (and the responses index.html asked for before this code loaded),
// the live updates of a page through server-sent events, and what a page leaves behind when another replaces it.
// With a token, the server set an HttpOnly session cookie when the console was opened at /?token=: every
// request below (and the event stream) carries it, so this code never holds the token.

/** An error answer from the API, with its status and stable code (E_NOT_FOUND, ...). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The fingerprints of the server's state that the responses of the current refresh carried. */
let fingerprints = new Set();

/** Responses index.html asked for before this script loaded, by URL: each is used once. */
const early = new Map(globalThis.tunekitEarly ?? []);

export async function api(url, init) {
  const prefetched = init ? undefined : early.get(url);
  early.delete(url);
  const response = await (prefetched ?? fetch(url, init));
  const fingerprint = response.headers.get("x-tunekit-fingerprint");
  if (fingerprint !== null) fingerprints.add(fingerprint);
  const body = await response.json();
  if (!response.ok) {
    throw new ApiError(response.status, body.error?.code, body.error?.message ?? response.statusText);
  }
  return body;
}

const live = () => document.getElementById("live");
const liveClock = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** Says in the header when the page last heard from the server (its event stream, or its own polling). */
export function markUpdated() {
  live().textContent = `live · updated ${liveClock.format(new Date())}`;
}

let teardown = [];
/** Runs when the page is left: closes its event stream, stops its timers. */
export function onLeave(stop) {
  teardown.push(stop);
}
export function leavePage() {
  for (const stop of teardown) stop();
  teardown = [];
}

/** Shows a page's failures in its error banner (never in the live indicator, which events overwrite). */
export function showErrors(errors) {
  const banner = document.getElementById("errors");
  if (!banner) return;
  banner.hidden = errors.length === 0;
  banner.textContent = errors.map((e) => e.message ?? String(e)).join(" · ");
}

/** Waits for every part of a page; reports the failures without hiding the parts that worked. */
export async function settle(parts) {
  const results = await Promise.allSettled(parts);
  const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
  for (const error of failed) console.error(error);
  showErrors(failed);
}

/**
 * Draws the page at once, and again whenever the server's state behind it changes. Every response the page
 * reads carries the server's fingerprint of that state, and the event stream sends the same fingerprint: its
 * first event redraws only if something changed between the first draw and the stream connecting, so no change
 * is missed and none is drawn twice. Refreshes never overlap: an event during one is checked when it ends.
 * Resolves after the first draw.
 */
export function follow(topic, refresh) {
  let drawn = null;
  let latest = null;
  let running = false;
  let dirty = false;
  const run = async () => {
    running = true;
    do {
      dirty = false;
      fingerprints = new Set();
      await refresh().catch((e) => showErrors([e]));
      drawn = fingerprints.size === 1 ? [...fingerprints][0] : null;
    } while (dirty && latest !== drawn);
    running = false;
  };
  const source = new EventSource(`/api/events${topic ? `?${topic}` : ""}`);
  source.addEventListener("update", (event) => {
    markUpdated();
    latest = event.data;
    if (latest === drawn) return;
    if (running) dirty = true;
    else run();
  });
  source.onerror = () => {
    live().textContent = "reconnecting…";
  };
  onLeave(() => source.close());
  return run();
}

/**
 * A Stop button that asks first: the first click turns it into "Stop X? [Yes, stop] [Cancel]", and only "Yes"
 * sends the request. `done` runs after the request.
 */
export function confirmStop(container, label, path, done) {
  container.innerHTML = `<button class="stop" data-test="stop">${label}</button>`;
  container.querySelector("button").addEventListener("click", () => {
    container.innerHTML = `<span role="alertdialog" aria-label="confirm" class="confirm">${label}? <button class="stop" data-test="confirm-stop">Yes, stop</button> <button data-test="cancel-stop">Cancel</button></span>`;
    container.querySelector("[data-test=confirm-stop]").focus();
    container
      .querySelector("[data-test=cancel-stop]")
      .addEventListener("click", () => confirmStop(container, label, path, done));
    container.querySelector("[data-test=confirm-stop]").addEventListener("click", async () => {
      container.innerHTML = `<span class="muted">stopping…</span>`;
      try {
        await api(path, { method: "POST" });
      } catch (e) {
        showErrors([e]);
      }
      await done();
    });
  });
}
