// Small shared pieces: a labelled field that shows its 422 errors next to it, links that use
// the router, and message banners.
import type { MouseEvent, ReactNode } from "react";
import type { FieldErrors } from "./api";
import { navigate } from "./router";

export function Field(props: {
  name: string;
  label: string;
  errors?: FieldErrors;
  hint?: string;
  children: ReactNode;
}) {
  const errs = props.errors?.[props.name];
  return (
    <div className={errs ? "field has-error" : "field"} data-field={props.name}>
      <label>
        <span className="field-label">{props.label}</span>
        {props.children}
      </label>
      {props.hint && !errs && <div className="field-hint">{props.hint}</div>}
      {errs && (
        <div className="field-error" role="alert">
          {errs.join("; ")}
        </div>
      )}
    </div>
  );
}

export function Link(props: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} onClick={onClick} className={props.className}>
      {props.children}
    </a>
  );
}

export function ErrorBanner(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <div className="banner error" role="alert">
      {props.error}
    </div>
  );
}

export function Notice(props: { text: string | null }) {
  if (!props.text) return null;
  return (
    <div className="banner ok" role="status">
      {props.text}
    </div>
  );
}

/// Errors whose field is not rendered by the form, shown above it so none is lost.
export function OtherFieldErrors(props: { errors: FieldErrors; shown: (key: string) => boolean }) {
  const rest = Object.entries(props.errors).filter(([k]) => !props.shown(k));
  if (rest.length === 0) return null;
  return (
    <div className="banner error" role="alert">
      {rest.map(([k, msgs]) => (
        <div key={k}>
          {k || "request"}: {msgs.join("; ")}
        </div>
      ))}
    </div>
  );
}
