// The signed-in principal, shared by every screen.
import { createContext, useContext } from "react";
import type { Me } from "./api";

export interface Session {
  me: Me;
  isAdmin: boolean;
  isMaster: boolean;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in screen");
  return s;
}
