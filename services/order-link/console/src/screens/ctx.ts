import { ApiError, type Session } from '../api';
import { h } from '../h';

/** What every screen gets from the shell. */
export interface Ctx {
  session: Session;
  navigate(hash: string): void;
  /** Runs when the screen is left (close streams, stop timers). */
  onLeave(f: () => void): void;
  errorText(err: unknown): string;
  signedIn(s: Session): void;
  sessionEnded(): void;
}

/** A message area announced to screen readers; `show` replaces its text. */
export function messageArea(kind: 'error' | 'info' = 'error') {
  const el = h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status', hidden: true });
  return {
    el,
    show(text: string) {
      el.textContent = text;
      el.hidden = text === '';
    },
  };
}

/** Shows an error, or goes back to sign-in when the session has ended. */
export function reportError(ctx: Ctx, area: { show(text: string): void }, err: unknown): void {
  if (err instanceof ApiError && err.status === 401) ctx.sessionEnded();
  else area.show(ctx.errorText(err));
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { id: hintId }, hint) : null,
  );
}
