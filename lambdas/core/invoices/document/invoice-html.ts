/**
 * The invoice document as one self-contained HTML page (inline CSS, no scripts, no external
 * resources), laid out like the PDF and printable as it is. Every value is escaped: customer and
 * seller text is data, never markup.
 */
import escapeHtml from 'escape-html';
import type { InvoiceDocument, LabelledValue } from './invoice-document';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2937;font:14px/1.45 Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:820px;margin:24px auto;background:#fff;padding:48px 56px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
header{display:flex;justify-content:space-between;align-items:flex-start;border-bottom:2px solid #1f3a5f;padding-bottom:16px}
.seller-name{font-size:20px;font-weight:700;color:#1f3a5f}
.muted{color:#6b7280;font-size:12px}
h1{margin:0;font-size:28px;font-weight:700;color:#1f3a5f;text-transform:uppercase;letter-spacing:.04em}
.parties{display:flex;justify-content:space-between;gap:32px;margin:28px 0}
.label{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#6b7280;margin-bottom:4px}
.buyer-name{font-size:16px;font-weight:700;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}
.facts td{padding:2px 0}
.facts td:first-child{color:#6b7280;padding-right:16px}
.facts td:last-child{text-align:right;font-weight:500}
.lines th{background:#1f3a5f;color:#fff;font-weight:500;font-size:12px;padding:8px;text-align:left}
.lines td{padding:8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
.lines tr:nth-child(even) td{background:#f9fafb}
.num{text-align:right!important;white-space:nowrap}
.item{overflow-wrap:anywhere}
.totals{width:auto;margin:16px 0 0 auto;min-width:320px}
.totals td{padding:4px 8px}
.totals td:last-child{text-align:right;white-space:nowrap}
.totals tr.due td{border-top:2px solid #1f3a5f;font-weight:700;font-size:16px;padding-top:8px}
.payment{margin-top:32px;padding:16px 20px;background:#f3f6fa;border-left:4px solid #1f3a5f}
.payment h2{margin:0 0 8px;font-size:14px;text-transform:uppercase;letter-spacing:.06em;color:#1f3a5f}
.payment td{padding:2px 16px 2px 0}
.payment td:first-child{color:#6b7280}
.epc-qr{margin:12px 0 0;display:flex;align-items:center;gap:12px;font-size:12px;color:#6b7280}
.reference{font-weight:700;letter-spacing:.04em}
footer{margin-top:40px;border-top:1px solid #e5e7eb;padding-top:8px;color:#6b7280;font-size:11px;text-align:center}
@media print{body{background:#fff}.page{box-shadow:none;margin:0;max-width:none;padding:0}}
`.trim();

const e = (text: string): string => escapeHtml(text);

function rows(values: readonly LabelledValue[]): string {
  return values.map((v) => `<tr><td>${e(v.label)}</td><td>${e(v.value)}</td></tr>`).join('\n');
}

/** The document as a UTF-8 HTML page. Deterministic: the same document gives the same string. */
export function renderInvoiceHtml(doc: InvoiceDocument, qrPng?: Uint8Array | null): string {
  const t = doc.labels;
  const taxHead = doc.showTaxRates ? `<th class="num">${e(t.taxRate)}</th>` : '';
  const lineRows = doc.lines
    .map(
      (l) =>
        `<tr><td class="num">${e(l.position)}</td><td class="item">${e(l.item)}</td><td class="num">${e(l.quantity)}</td><td class="num">${e(l.unitPrice)}</td>` +
        `${doc.showTaxRates ? `<td class="num">${e(l.taxRate)}</td>` : ''}<td class="num">${e(l.amount)}</td></tr>`,
    )
    .join('\n');
  const totals = doc.totals.map((v, i) => `<tr${i === doc.totals.length - 1 ? ' class="due"' : ''}><td>${e(v.label)}</td><td>${e(v.value)}</td></tr>`).join('\n');
  const reference = doc.payment.details.at(-1);
  const details = doc.payment.details.slice(0, -1);
  return `<!doctype html>
<html lang="${e(doc.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="page">
<header>
<div><div class="seller-name">${e(doc.seller.name)}</div>
<div class="muted">${doc.seller.address.map(e).join('<br>')}</div></div>
<div style="text-align:right"><h1>${e(t.title)}</h1><div>${e(doc.number)}</div></div>
</header>
<section class="parties">
<div><div class="label">${e(t.billTo)}</div><div class="buyer-name">${e(doc.buyer.name)}</div>
${doc.buyer.address.length ? `<div class="muted">${doc.buyer.address.map(e).join('<br>')}</div>` : ''}
<div class="muted">${e(t.customerNumber)} ${e(doc.buyer.customerId)}</div></div>
<table class="facts" style="width:auto">
${rows(doc.facts)}
</table>
</section>
<table class="lines">
<thead><tr><th class="num">${e(t.position)}</th><th>${e(t.item)}</th><th class="num">${e(t.quantity)}</th><th class="num">${e(t.unitPrice)}</th>${taxHead}<th class="num">${e(doc.showTaxRates ? t.netAmount : t.amount)}</th></tr></thead>
<tbody>
${lineRows}
</tbody>
</table>
<table class="totals">
${totals}
</table>
<section class="payment">
<h2>${e(t.payment)}</h2>
<p>${e(doc.payment.text)}</p>
<table style="width:auto">
${rows(details)}
${reference ? `<tr><td>${e(reference.label)}</td><td class="reference">${e(reference.value)}</td></tr>` : ''}
</table>
${qrPng && doc.payment.qrCaption ? `<figure class="epc-qr"><img alt="EPC QR code (GiroCode)" width="132" height="132" src="data:image/png;base64,${Buffer.from(qrPng).toString('base64')}"><figcaption>${e(doc.payment.qrCaption)}</figcaption></figure>` : ''}
</section>
<p>${e(t.thanks)}</p>
<footer>${e(doc.footer)}</footer>
</main>
</body>
</html>
`;
}
