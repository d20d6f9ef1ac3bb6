import type { JsonObject } from './openapi';

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A browsable API reference rendered from the OpenAPI document on the server: one self-contained
 * HTML page, no script, no CDN, so it works offline and cannot differ from the document.
 */
export function renderReferencePage(doc: JsonObject): string {
  const info = doc.info as JsonObject;
  const sections: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as JsonObject)) {
    for (const [method, raw] of Object.entries(item as JsonObject)) {
      const op = raw as JsonObject;
      const id = esc(op.operationId);
      toc.push(`<li><a href="#${id}"><code>${method.toUpperCase()} ${esc(path)}</code> ${esc(op.summary)}</a></li>`);
      const params = ((op.parameters ?? []) as JsonObject[])
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code> ${esc(p.description ?? '')}</td></tr>`,
        )
        .join('');
      const body = (op.requestBody as JsonObject | undefined)?.content as JsonObject | undefined;
      const responses = Object.entries(op.responses as JsonObject)
        .map(([code, r]) => `<li><b>${esc(code)}</b> ${esc((r as JsonObject).description)}</li>`)
        .join('');
      sections.push(`<section id="${id}">
<h2><span class="m ${esc(method)}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2>
<p><b>${esc(op.summary)}</b>. ${esc(op.description ?? '')}</p>
<p>Scope: <code>${esc(op['x-scope'])}</code></p>
${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<h3>Body</h3><pre>${esc(JSON.stringify((body['application/json'] as JsonObject).schema, null, 2))}</pre>` : ''}
<h3>Responses</h3><ul>${responses}</ul>
</section>`);
    }
  }
  const schemas = Object.entries((doc.components as JsonObject).schemas as JsonObject)
    .map(
      ([name, s]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre></section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f5f5f7;padding:.75rem;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.m{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;background:#555}.post{background:#1f7a3a}.get{background:#1f4f9a}.delete{background:#9a1f1f}
section{border-top:1px solid #eee;margin-top:1.5rem}
</style></head><body>
<h1>${esc(info.title)} <small>v${esc(info.version)}</small></h1>
<p>${esc(info.description).replaceAll('\n\n', '</p><p>')}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2><ul>${toc.join('')}</ul>
${sections.join('\n')}
<h2>Schemas</h2>${schemas}
</body></html>`;
}
