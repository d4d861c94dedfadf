// Top level: asks GET auth/me who we are, then shows the bootstrap screen (no user exists
// yet), the login screen (401), or the signed-in layout with its routes.
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, ApiError, errorText, setBearer, setUnauthorizedHandler, usingBearer, type Me } from "./api";
import { Link } from "./components";
import { navigate, usePath } from "./router";
import { SessionContext, type Session } from "./session";
import { LoginPage } from "./pages/LoginPage";
import { BootstrapPage } from "./pages/BootstrapPage";
import { DomainListPage } from "./pages/DomainListPage";
import { DomainFormPage } from "./pages/DomainFormPage";
import { DomainDetailPage } from "./pages/DomainDetailPage";
import { NodesPage } from "./pages/NodesPage";
import { UsersPage } from "./pages/UsersPage";
import { TokensPage } from "./pages/TokensPage";
import { AuditPage } from "./pages/AuditPage";

type State =
  | { kind: "loading" }
  | { kind: "bootstrap" }
  | { kind: "login"; reason?: string; tokenMode?: boolean }
  | { kind: "error"; message: string }
  | { kind: "in"; me: Me };

export function App() {
  const [state, setState] = useState<State>({ kind: "loading" });
  const path = usePath();

  const refresh = useCallback(async () => {
    try {
      const me = await api<Me>("GET", "auth/me");
      setState(me.method === "bootstrap" ? { kind: "bootstrap" } : { kind: "in", me });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        const hadToken = usingBearer();
        setBearer(null);
        setState({ kind: "login", reason: hadToken ? "The API token was rejected." : undefined });
      } else {
        setState({ kind: "error", message: errorText(e) });
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setBearer(null);
      setState({ kind: "login", reason: "Your session has ended; please sign in again." });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const logout = useCallback(async () => {
    if (usingBearer()) {
      setBearer(null);
    } else {
      try {
        await api("POST", "auth/logout");
      } catch {
        // the session is gone either way
      }
    }
    setState({ kind: "login", reason: "Signed out." });
    navigate("/login");
  }, []);

  const session = useMemo<Session | null>(
    () =>
      state.kind === "in"
        ? {
            me: state.me,
            isAdmin: state.me.role === "admin",
            isMaster: state.me.method === "master",
            logout: () => void logout(),
          }
        : null,
    [state, logout],
  );

  useEffect(() => {
    if (state.kind === "in" && (path === "/" || path === "/login" || path === "/bootstrap")) {
      navigate("/domains", true);
    }
  }, [state.kind, path]);

  switch (state.kind) {
    case "loading":
      return <div className="center">Loading…</div>;
    case "error":
      return (
        <div className="center">
          <div className="banner error" role="alert">
            Cannot reach the Cirrus API: {state.message}
          </div>
          <button onClick={() => void refresh()}>Retry</button>
        </div>
      );
    case "bootstrap":
      return <BootstrapPage onDone={() => void refresh()} onUseToken={() => setState({ kind: "login", tokenMode: true })} />;
    case "login":
      return <LoginPage reason={state.reason} tokenMode={state.tokenMode} onDone={() => void refresh()} />;
    case "in":
      return (
        <SessionContext.Provider value={session}>
          <Layout path={path} />
        </SessionContext.Provider>
      );
  }
}

function Layout(props: { path: string }) {
  return (
    <SessionContext.Consumer>
      {(s) =>
        s && (
          <div className="layout">
            <header className="topbar">
              <span className="brand">Cirrus CDN</span>
              <nav>
                <NavLink to="/domains" path={props.path}>
                  Domains
                </NavLink>
                <NavLink to="/nodes" path={props.path}>
                  Nodes
                </NavLink>
                <NavLink to="/users" path={props.path}>
                  Users
                </NavLink>
                {s.isMaster && (
                  <NavLink to="/tokens" path={props.path}>
                    Tokens
                  </NavLink>
                )}
                <NavLink to="/audit" path={props.path}>
                  Audit log
                </NavLink>
                <a href="/docs" target="_blank" rel="noreferrer">
                  API docs
                </a>
              </nav>
              <span className="principal" data-testid="principal">
                Signed in as <strong>{s.me.username}</strong> ({s.me.role}, {s.me.method})
              </span>
              <button className="secondary" onClick={s.logout}>
                Log out
              </button>
            </header>
            <main>
              <Routes path={props.path} />
            </main>
          </div>
        )
      }
    </SessionContext.Consumer>
  );
}

function NavLink(props: { to: string; path: string; children: string }) {
  const active = props.path === props.to || props.path.startsWith(props.to + "/");
  return (
    <Link to={props.to} className={active ? "active" : undefined}>
      {props.children}
    </Link>
  );
}

function Routes(props: { path: string }) {
  const p = props.path;
  if (p === "/domains") return <DomainListPage />;
  if (p === "/domains/new") return <DomainFormPage />;
  let m = /^\/domains\/([^/]+)\/edit$/.exec(p);
  if (m) return <DomainFormPage domain={decodeURIComponent(m[1])} key={m[1]} />;
  m = /^\/domains\/([^/]+)$/.exec(p);
  if (m) return <DomainDetailPage domain={decodeURIComponent(m[1])} key={m[1]} />;
  if (p === "/nodes") return <NodesPage />;
  if (p === "/users") return <UsersPage />;
  if (p === "/tokens") return <TokensPage />;
  if (p === "/audit") return <AuditPage />;
  return <DomainListPage />;
}
