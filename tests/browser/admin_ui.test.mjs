// The admin UI in headless Chromium against a real `cirrus api` and redis-server (see
// harness.mjs). Run with scripts/run-browser-tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Stack, MASTER } from "./harness.mjs";

const TEST_TIMEOUT_MS = 120_000;
const ADMIN_PASSWORD = "admin-password-1";
const VIEWER_PASSWORD = "viewer-password-1";

// Appends the processes' logs to a failure so a red run says why.
async function withLogs(stack, body) {
  try {
    await body();
  } catch (e) {
    e.message += `\n${stack.logs()}`;
    throw e;
  }
}

async function loginWithPassword(page, username, password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("bootstrap an admin, sign in, create a domain (422 at the field), purge, sign out", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const stack = await Stack.start(t);
  await withLogs(stack, async () => {
    const page = await stack.page("/");

    // Bootstrap: no user yet, so the UI offers to create the first admin and signs in as it.
    await page.getByRole("heading", { name: "Create the first administrator" }).waitFor();
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password", { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByLabel("Confirm password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByTestId("principal").getByText("admin", { exact: true }).waitFor();
    assert.match(await page.getByTestId("principal").innerText(), /admin \(admin, session\)/);
    const users = await stack.master("GET", "users");
    assert.deepEqual(users.body.map((u) => [u.username, u.role]), [["admin", "admin"]]);

    // Sign out, then in through the login screen.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await loginWithPassword(page, "admin", ADMIN_PASSWORD);
    await page.getByRole("heading", { name: "Domains" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/domains");

    // Create a domain with an out-of-range origin port: the 422 shows at that port field.
    await page.getByRole("link", { name: "Add domain" }).click();
    await page.getByLabel("Domain name").fill("www.example.com");
    await page.getByTestId("origin-0").getByLabel("Host").fill("origin.example.com");
    await page.getByTestId("origin-0").getByLabel("Port").fill("70000");
    await page.getByRole("button", { name: "Create domain" }).click();
    const portError = page.locator('[data-field="origins.0.port"] .field-error');
    await portError.waitFor();
    assert.match(await portError.innerText(), /65535/);
    assert.equal(await page.locator('[data-field="domain"] .field-error').count(), 0);
    assert.equal((await stack.master("GET", "domains")).body.length, 0, "nothing stored on 422");

    await page.getByTestId("origin-0").getByLabel("Port").fill("8443");
    await page.getByRole("button", { name: "Create domain" }).click();
    await page.getByRole("heading", { name: "www.example.com" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/domains/www.example.com");
    assert.equal(await page.getByTestId("cname-fqdn").innerText(), "www.example.com.cdn.local.test");
    const stored = await stack.master("GET", "domains/www.example.com");
    assert.equal(stored.status, 200);
    assert.deepEqual(
      [stored.body.origins[0].host, stored.body.origins[0].port, stored.body.origins[0].scheme],
      ["origin.example.com", 8443, "https"],
    );

    // The list shows it.
    await page.getByRole("link", { name: "Domains", exact: true }).click();
    const row = page.getByTestId("domain-table").getByRole("row", { name: /www\.example\.com/ });
    await row.waitFor();
    assert.match(await row.innerText(), /https:\/\/origin\.example\.com:8443/);

    // Purge a prefix softly, through the detail page; the purge log in Redis has it.
    await row.getByRole("link", { name: "www.example.com" }).click();
    await page.getByLabel(/Paths, one per line/).fill("/img/*");
    await page.getByLabel(/Soft purge/).check();
    await page.getByRole("button", { name: "Purge", exact: true }).click();
    await page.getByText("Purge accepted: 1 purge queued (soft).").waitFor();
    const log = stack.redis("XRANGE", "cdn:purge:log", "-", "+");
    assert.match(log, /www\.example\.com/);
    assert.match(log, /\/img\/\*/);

    // A deep link survives a reload (SPA fallback) with the session cookie.
    await page.reload();
    await page.getByRole("heading", { name: "www.example.com" }).waitFor();

    // Sign out: the session is gone server-side too.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    assert.equal(me, 401);
  });
});

test("a viewer sees no mutating control", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const stack = await Stack.start(t);
  await withLogs(stack, async () => {
    for (const [username, password, role] of [
      ["admin", ADMIN_PASSWORD, "admin"],
      ["viewer", VIEWER_PASSWORD, "viewer"],
    ]) {
      assert.equal((await stack.master("POST", "users", { username, password, role })).status, 201);
    }
    const domain = { domain: "v.example", origins: [{ scheme: "http", host: "origin.example" }] };
    assert.equal((await stack.master("POST", "domains", domain)).status, 201);
    assert.equal((await stack.master("POST", "nodes", { id: "edge-1", ipv4: "192.0.2.10" })).status, 201);

    // The admin sees the controls (so their absence below means something).
    const admin = await stack.page("/");
    await loginWithPassword(admin, "admin", ADMIN_PASSWORD);
    await admin.getByRole("link", { name: "Add domain" }).waitFor();
    await admin.goto("/domains/v.example");
    await admin.getByRole("button", { name: "Purge", exact: true }).waitFor();

    const page = await stack.page("/");
    await loginWithPassword(page, "viewer", VIEWER_PASSWORD);
    await page.getByRole("heading", { name: "Domains" }).waitFor();
    assert.match(await page.getByTestId("principal").innerText(), /viewer \(viewer, session\)/);
    await page.getByTestId("domain-table").getByRole("link", { name: "v.example" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Add domain" }).count(), 0);

    await page.getByRole("link", { name: "v.example" }).click();
    await page.getByTestId("acme-status").waitFor();
    await page.getByText("No certificate.").waitFor();
    for (const name of ["Edit", "Delete", "Purge", "Issue certificate", "Upload certificate", "Delete certificate"]) {
      assert.equal(await page.getByRole("button", { name, exact: true }).count(), 0, name);
      assert.equal(await page.getByRole("link", { name, exact: true }).count(), 0, name);
    }
    assert.equal(await page.getByRole("form", { name: "Purge" }).count(), 0);

    await page.getByRole("link", { name: "Nodes" }).click();
    await page.getByTestId("node-table").getByText("edge-1").waitFor();
    for (const name of ["Add node", "Edit", "Disable", "Delete"]) {
      assert.equal(await page.getByRole("button", { name, exact: true }).count(), 0, name);
    }

    await page.getByRole("link", { name: "Users" }).click();
    await page.getByTestId("user-table").getByText("viewer", { exact: true }).first().waitFor();
    assert.equal(await page.getByRole("form", { name: "New user" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Delete" }).count(), 0);
    assert.equal(await page.getByRole("combobox").count(), 0, "no role selector");
    assert.equal(await page.getByRole("link", { name: "Tokens" }).count(), 0);

    // The edit screen, reached by URL, offers no form either.
    await page.goto("/domains/v.example/edit");
    await page.getByText("Viewers cannot change domains.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Save changes" }).count(), 0);
  });
});

test("a new service token's plaintext is shown once", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const stack = await Stack.start(t);
  await withLogs(stack, async () => {
    // A fresh install (no user): the bootstrap screen also offers token sign-in.
    const page = await stack.page("/");
    await page.getByRole("heading", { name: "Create the first administrator" }).waitFor();
    await page.getByRole("button", { name: "Sign in with an API token" }).click();
    await page.getByLabel("API token").fill(MASTER);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    assert.match(await page.getByTestId("principal").innerText(), /master \(admin, master\)/);

    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByRole("heading", { name: "Service tokens" }).waitFor();
    await page.getByRole("form", { name: "New token" }).getByLabel("Name").fill("ci");
    await page.getByRole("form", { name: "New token" }).getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Create token" }).click();
    const plaintext = (await page.getByTestId("token-plaintext").innerText()).trim();
    assert.match(plaintext, /^cirrus_\S{20,}$/);

    // The plaintext is a working bearer token.
    const me = await fetch(`${stack.base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${plaintext}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).method, "token");

    // The list shows only its suffix; once dismissed, or after a reload, the plaintext is gone.
    const row = page.getByTestId("token-table").getByRole("row", { name: /ci/ });
    await row.waitFor();
    const tokens = await stack.master("GET", "tokens");
    assert.equal(tokens.body.length, 1);
    assert.ok(plaintext.endsWith(tokens.body[0].suffix));
    assert.match(await row.innerText(), new RegExp(tokens.body[0].suffix));
    await page.getByRole("button", { name: "I have copied it" }).click();
    assert.equal(await page.getByTestId("token-plaintext").count(), 0);
    assert.ok(!(await page.content()).includes(plaintext));
    await page.reload();
    await page.getByTestId("token-table").waitFor();
    assert.ok(!(await page.content()).includes(plaintext));
  });
});

test("a failed login shows one generic message", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const stack = await Stack.start(t);
  await withLogs(stack, async () => {
    const created = await stack.master("POST", "users", { username: "admin", password: ADMIN_PASSWORD, role: "admin" });
    assert.equal(created.status, 201);
    // Wrong password for a real user, and an unknown user: the same words, each in a fresh tab.
    const messages = [];
    for (const [username, password] of [
      ["admin", "wrong-password-1"],
      ["nobody", "wrong-password-1"],
    ]) {
      const tab = await stack.page("/");
      await tab.getByRole("heading", { name: "Sign in" }).waitFor();
      await loginWithPassword(tab, username, password);
      const error = tab.getByTestId("login-error");
      await error.waitFor();
      messages.push(await error.innerText());
      assert.equal(await tab.getByTestId("principal").count(), 0);
    }
    assert.deepEqual(messages, ["Invalid username or password.", "Invalid username or password."]);

    // The form still works with the right password.
    const page = await stack.page("/");
    await loginWithPassword(page, "admin", ADMIN_PASSWORD);
    await page.getByTestId("principal").waitFor();
  });
});

test("an admin manages nodes, users, ACME and a certificate, and sees them audited", { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const stack = await Stack.start(t);
  await withLogs(stack, async () => {
    assert.equal((await stack.master("POST", "users", { username: "admin", password: ADMIN_PASSWORD, role: "admin" })).status, 201);
    const domain = { domain: "www.example.com", origins: [{ scheme: "http", host: "origin.example" }] };
    assert.equal((await stack.master("POST", "domains", domain)).status, 201);
    const page = await stack.page("/");
    await loginWithPassword(page, "admin", ADMIN_PASSWORD);
    await page.getByRole("heading", { name: "Domains" }).waitFor();

    // Nodes: a bad address is a 422 at its field; then create, edit, disable, delete.
    await page.getByRole("link", { name: "Nodes" }).click();
    await page.getByRole("button", { name: "Add node" }).click();
    const form = page.getByRole("form", { name: "New node" });
    await form.getByLabel("ID").fill("edge-1");
    await form.getByLabel("IPv4").fill("300.1.2.3");
    await form.getByRole("button", { name: "Create node" }).click();
    await form.locator('[data-field="ipv4"] .field-error').waitFor();
    await form.getByLabel("IPv4").fill("192.0.2.10");
    await form.getByRole("button", { name: "Create node" }).click();
    const row = page.getByTestId("node-table").getByRole("row", { name: /edge-1/ });
    await row.waitFor();
    await row.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("form", { name: "Edit node edge-1" }).getByLabel("Site").fill("eu");
    await page.getByRole("button", { name: "Save node" }).click();
    await row.getByText("eu", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Disable" }).click();
    await row.getByRole("button", { name: "Enable" }).waitFor();
    let node = await stack.master("GET", "nodes/edge-1");
    assert.deepEqual([node.body.site, node.body.enabled, node.body.ipv4], ["eu", false, "192.0.2.10"]);
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No node yet.").waitFor();
    assert.equal((await stack.master("GET", "nodes/edge-1")).status, 404);

    // Users: create a viewer.
    await page.getByRole("link", { name: "Users" }).click();
    const newUser = page.getByRole("form", { name: "New user" });
    await newUser.getByLabel("Username").fill("vera");
    await newUser.getByLabel("Password").fill("short");
    await newUser.getByRole("button", { name: "Create user" }).click();
    await newUser.locator('[data-field="password"] .field-error').waitFor();
    await newUser.getByLabel("Password").fill(VIEWER_PASSWORD);
    await newUser.getByRole("button", { name: "Create user" }).click();
    await page.getByTestId("user-table").getByRole("row", { name: /vera/ }).waitFor();
    assert.equal((await stack.master("GET", "users/vera")).body.role, "viewer");

    // ACME: "Issue certificate" enqueues a task whose id and status are shown.
    await page.goto("/domains/www.example.com");
    await page.getByRole("button", { name: "Issue certificate" }).click();
    const taskLine = page.getByTestId("acme-task");
    await taskLine.getByText(/queued|running|retrying|succeeded|failed/).waitFor();
    const taskId = await taskLine.locator("code").innerText();
    assert.equal((await stack.master("GET", `tasks/${taskId}`)).status, 200);

    // Certificate: upload a self-signed one for the domain; its metadata is shown.
    const dir = stack.dir;
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-subj", "/CN=www.example.com", "-addext", "subjectAltName=DNS:www.example.com", "-days", "30",
      "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`], { stdio: "ignore", timeout: 10_000 });
    await page.getByRole("button", { name: "Upload certificate" }).click();
    await page.getByLabel(/Full chain/).fill(readFileSync(`${dir}/cert.pem`, "utf8"));
    await page.getByLabel(/Private key/).fill(readFileSync(`${dir}/key.pem`, "utf8"));
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByText("Certificate uploaded.").waitFor();
    const cert = page.getByTestId("certificate-card");
    await cert.getByText("upload", { exact: true }).waitFor();
    assert.equal((await stack.master("GET", "domains/www.example.com/certificate")).body.source, "upload");

    // The audit log lists what we did, newest first.
    await page.getByRole("link", { name: "Audit log" }).click();
    const audit = page.getByTestId("audit-table");
    await audit.waitFor();
    const text = await audit.innerText();
    for (const action of ["node.create", "node.update", "node.delete", "user.create", "acme.request", "certificate.update"]) {
      assert.ok(text.includes(action), action);
    }
    assert.ok(text.indexOf("certificate.update") < text.indexOf("node.create"), "newest first");
  });
});
