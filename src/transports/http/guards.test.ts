import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { createApp } from "./app.js";
import { hostHeaderName, isLoopback, servedHostNames } from "./served-hosts.js";
import { SESSION_COOKIE, sessionValue } from "./token-auth.js";

function storeWithRunningJob() {
  const store = new MemoryStore();
  store.createTuningJob({ name: "running", kind: "tuning-job", config: {}, seed: 1, now: 0 });
  return store;
}

describe("served addresses", () => {
  it("counts all of 127.0.0.0/8, ::1 and localhost as loopback, and nothing else", async () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"]) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ["::ffff:127.0.0.2", "::ffff:7f00:1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "1.127.0.0", "evil.example", "127.example"]) {
      expect(isLoopback(host), host).toBe(false);
    }
  });

  it("answers to the bound address (and localhost on loopback), a wildcard's interfaces, and the names added", async () => {
    expect(servedHostNames("127.0.0.2")).toEqual(new Set(["127.0.0.2", "localhost"]));
    expect(servedHostNames("::1")).toEqual(new Set(["::1", "localhost"]));
    expect(servedHostNames("10.1.2.3", ["Tuning.Example.org"])).toEqual(new Set(["10.1.2.3", "tuning.example.org"]));
    const wildcard = servedHostNames("0.0.0.0");
    expect(wildcard.has("127.0.0.1")).toBe(true);
    expect(wildcard.has("localhost")).toBe(true);
    expect(wildcard.has("0.0.0.0")).toBe(true);
    expect(wildcard.has("evil.example")).toBe(false);
  });

  it("reads the host name out of a Host header", async () => {
    expect(hostHeaderName("127.0.0.1:8686")).toBe("127.0.0.1");
    expect(hostHeaderName("LOCALHOST")).toBe("localhost");
    expect(hostHeaderName("[::1]:8686")).toBe("::1");
    expect(hostHeaderName("evil.example:8686")).toBe("evil.example");
  });
});

describe("request guards", () => {
  it("refuses a request addressed to a name it does not serve (DNS rebinding), with no data", async () => {
    const app = createApp({ store: storeWithRunningJob(), allowedHosts: servedHostNames("127.0.0.1") });
    const rebound = await app.request("http://evil.example:8686/api/tuning-jobs");
    expect(rebound.status).toBe(403);
    const body = await rebound.text();
    expect(body).toContain("E_HOST_NOT_ALLOWED");
    expect(body).not.toContain("running");
    expect((await app.request("http://evil.example:8686/")).status).toBe(403);
    expect((await app.request("http://127.0.0.1:8686/api/tuning-jobs")).status).toBe(200);
    expect((await app.request("http://localhost:8686/api/tuning-jobs")).status).toBe(200);
  });

  it("refuses a state change from another origin, or with a body a form can send", async () => {
    const store = storeWithRunningJob();
    const app = createApp({ store });
    const stop = "http://127.0.0.1:8686/api/tuning-jobs/running/stop";
    const crossSite = await app.request(stop, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).error.code).toBe("E_CROSS_ORIGIN");
    const marked = await app.request(stop, { method: "POST", headers: { "sec-fetch-site": "cross-site" } });
    expect(marked.status).toBe(403);
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]) {
      const form = await app.request(stop, { method: "POST", headers: { "content-type": type }, body: "x=1" });
      expect(form.status, type).toBe(415);
      expect((await form.json()).error).toMatchObject({ code: "E_UNSUPPORTED_MEDIA_TYPE", field: "content-type" });
    }
    expect((await store.getTuningJob("running"))?.status).toBe("InProgress");
    // The console's own request: same origin, no body.
    const own = await app.request(stop, { method: "POST", headers: { origin: "http://127.0.0.1:8686" } });
    expect(own.status).toBe(200);
    expect((await store.getTuningJob("running"))?.status).toBe("Stopped");
  });
});

describe("token and session cookie", () => {
  it("turns /?token= into an HttpOnly, SameSite=Strict session cookie and a redirect without the token", async () => {
    const app = createApp({ store: new MemoryStore(), token: "s3cret" });
    expect((await app.request("/?token=wrong")).status).toBe(401);
    const opened = await app.request("/?token=s3cret");
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/");
    const cookie = opened.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`${SESSION_COOKIE}=${sessionValue("s3cret")}`);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain("s3cret");
    const session = { cookie: `${SESSION_COOKIE}=${sessionValue("s3cret")}` };
    for (const path of [
      "/",
      "/console/console.css",
      "/console/console.js",
      "/console/chart-scatter.js",
      "/api/tuning-jobs",
    ]) {
      expect((await app.request(path, { headers: session })).status, path).toBe(200);
      expect((await app.request(path)).status, path).toBe(401);
    }
    const forged = { cookie: `${SESSION_COOKIE}=${sessionValue("other")}` };
    expect((await app.request("/api/tuning-jobs", { headers: forged })).status).toBe(401);
  });
});
