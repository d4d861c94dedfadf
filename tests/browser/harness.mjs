// Browser-test harness: a real redis-server and a real `cirrus api` on free loopback ports, and
// Debian's Chromium driven by playwright-core (installed in web/node_modules by
// scripts/install-web-deps; no Playwright browser download). Every process a test starts is
// registered with its Stack and stopped in the test's `after` hook, even when the test fails
// or times out; a process-exit handler kills anything left as a last resort.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, openSync, readFileSync, rmSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(ROOT, "web", "package.json"));
const { chromium } = require("playwright-core");

export const MASTER = "m".repeat(40);
export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
export const CIRRUS_BIN = process.env.CIRRUS_BIN ?? path.join(ROOT, "build/release/src/cirrus");
const ACTION_TIMEOUT_MS = 10_000;

const live = new Set(); // every child not yet stopped, for the exit handler
process.on("exit", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Polls `cond` (async, truthy when done) every 100 ms for at most `timeoutMs`.
export async function waitUntil(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    try {
      if (await cond()) return;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

function redisPing(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.setTimeout(1000);
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => {
      sock.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    sock.on("error", () => resolve(false));
    sock.on("timeout", () => {
      sock.destroy();
      resolve(false);
    });
  });
}

class Proc {
  constructor(name, argv, env, dir) {
    this.name = name;
    this.log = path.join(dir, `${name}.log`);
    const fd = openSync(this.log, "a");
    this.child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ["ignore", fd, fd] });
    this.exited = new Promise((resolve) => this.child.on("exit", (code, sig) => resolve(code ?? sig)));
    this.alive = true;
    this.child.on("exit", () => {
      this.alive = false;
      live.delete(this.child);
    });
    live.add(this.child);
  }

  output() {
    try {
      return readFileSync(this.log, "utf8");
    } catch {
      return "";
    }
  }

  async stop() {
    if (!this.alive) return;
    this.child.kill("SIGTERM");
    const timer = sleep(5000).then(() => "timeout");
    if ((await Promise.race([this.exited, timer])) === "timeout") {
      this.child.kill("SIGKILL");
      await this.exited;
    }
  }
}

/// One test's processes: redis-server, cirrus api, Chromium. Create with `await Stack.start(t)`.
export class Stack {
  static async start(t, apiEnv = {}) {
    const s = new Stack();
    t.after(() => s.stop());
    await s.#startRedis();
    await s.#startApi(apiEnv);
    await s.#startBrowser();
    return s;
  }

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "cirrus-browser-"));
    this.procs = [];
    this.browser = null;
  }

  async #startRedis() {
    this.redisPort = await freePort();
    const p = new Proc(
      "redis",
      ["redis-server", "--port", String(this.redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir],
      {},
      this.dir,
    );
    this.procs.push(p);
    await waitUntil(() => redisPing(this.redisPort), 10_000, `redis-server on ${this.redisPort}`);
  }

  async #startApi(extra) {
    if (!existsSync(CIRRUS_BIN)) throw new Error(`CIRRUS_BIN ${CIRRUS_BIN} does not exist (build it first)`);
    this.apiPort = await freePort();
    this.base = `http://127.0.0.1:${this.apiPort}`;
    const env = {
      API_BIND: `127.0.0.1:${this.apiPort}`,
      REDIS_URL: `redis://127.0.0.1:${this.redisPort}/0`,
      MASTER_API_TOKEN: MASTER,
      LOG_FORMAT: "text",
      LOG_LEVEL: "info",
      ...(process.env.CIRRUS_STATIC_DIR ? { STATIC_DIR: process.env.CIRRUS_STATIC_DIR } : {}),
      ...extra,
    };
    const p = new Proc("api", [CIRRUS_BIN, "api"], env, this.dir);
    this.api = p;
    this.procs.push(p);
    await waitUntil(
      async () => {
        if (!p.alive) throw new Error(`cirrus api exited:\n${p.output()}`);
        return (await fetch(`${this.base}/healthz`)).status === 200;
      },
      15_000,
      `cirrus api on ${this.apiPort}`,
    );
    const index = await (await fetch(`${this.base}/`)).text();
    if (!index.includes('id="root"')) {
      throw new Error("cirrus api does not serve the built admin UI (run scripts/install-web-deps): " + index.slice(0, 200));
    }
  }

  async #startBrowser() {
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      // Root in a container: Chromium's sandbox needs user namespaces we may not have.
      chromiumSandbox: false,
      args: ["--disable-gpu", "--disable-dev-shm-usage"],
    });
  }

  /// A fresh browser context (own cookies and sessionStorage) and page at `path`.
  async page(urlPath = "/") {
    const context = await this.browser.newContext({ baseURL: this.base });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(urlPath);
    return page;
  }

  /// A call to the API with the master token (test setup), returning {status, body}.
  async master(method, apiPath, body) {
    const res = await fetch(`${this.base}/api/v1/${apiPath}`, {
      method,
      headers: { Authorization: `Bearer ${MASTER}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  redis(...args) {
    return execFileSync("redis-cli", ["-p", String(this.redisPort), "--no-raw", ...args], { encoding: "utf8", timeout: 5000 });
  }

  logs() {
    return this.procs.map((p) => `--- ${p.name} ---\n${p.output().slice(-4000)}`).join("\n");
  }

  async stop() {
    if (this.browser) {
      await Promise.race([this.browser.close().catch(() => {}), sleep(10_000)]);
      this.browser = null;
    }
    for (const p of [...this.procs].reverse()) await p.stop();
    this.procs = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}
