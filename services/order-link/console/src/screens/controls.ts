// The pieces the screens build their lists and forms from: a table, a fact of a list, a button that
// calls the API, a form's submit, and a secret shown once.
import { type Attrs, type Child, h } from '../h';
import { type Ctx, reportError } from './ctx';

type MessageArea = { show(text: string): void };

/**
 * A table with a heading per column and a row per item (`cells` gives the row's cells). With `empty`,
 * no rows shows that text instead of an empty table.
 */
export function dataTable<T>(
  columns: Child[],
  rows: T[],
  cells: (row: T) => Child[],
  empty?: string,
): HTMLTableElement | HTMLParagraphElement {
  if (empty !== undefined && rows.length === 0) return h('p', null, empty);
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) => h('tr', null, cells(row))),
    ),
  );
}

/** One fact of a `<dl class="facts">`: its label and value. */
export function factRow(label: string, value: string | Node): [HTMLElement, HTMLElement] {
  return [h('dt', null, label), h('dd', null, value)];
}

/** A secondary button that runs `action` (an API call); its failure shows in `message`, or ends the session. */
export function actionButton(
  ctx: Ctx,
  message: MessageArea,
  label: string,
  action: () => Promise<unknown>,
  attrs: Attrs = {},
): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      ...attrs,
      onclick: async () => {
        try {
          await action();
        } catch (err) {
          reportError(ctx, message, err);
        }
      },
    },
    label,
  );
}

/** A form's submit listener: no page load, `message` cleared, then `submit`; its failure shows in `message`. */
export function onSubmit(ctx: Ctx, message: MessageArea, submit: () => Promise<void>): (e: Event) => Promise<void> {
  return async (e: Event) => {
    e.preventDefault();
    message.show('');
    try {
      await submit();
    } catch (err) {
      reportError(ctx, message, err);
    }
  };
}

/** A secret the server keeps only a hash of, shown this once: `note`, then the value to copy. */
export function shownOnce(note: Child, value: string, attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'card secret', role: 'status' },
    h('p', null, note),
    h('output', { class: 'mono key', ...attrs }, value),
  );
}
