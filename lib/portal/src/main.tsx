/**
 * The customer portal: what the customer owes and has paid, documents, the statement, and the
 * actions (pay by card, dispute, promise a date, SEPA mandates, billing email). One page; every control is a
 * native, labelled form control, so it works with the keyboard and a screen reader, and the
 * tables become stacked cards on a phone.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, call, download, json, linkExpiry, takeLink } from './api';
import { TEXTS, formatDate, formatMoney, languageOf, type Language, type Texts } from './i18n';
import './style.css';

interface Item {
  invoiceId: string;
  number: string;
  kind: 'invoice' | 'charges';
  currency: string;
  total: string;
  paid: string;
  balance: string;
  status: string;
  issueDate: string;
  dueDate: string;
  disputed: boolean;
  promisedUntil: string | null;
  payments: { paymentId: string; amount: string; at: string }[];
}

interface PortalData {
  customer: { customerId: string; name: string; email: string; locale: string; currency: string; onAccountCredit: string };
  today: string;
  openTotals: { currency: string; amount: string }[];
  openItems: Item[];
  paidItems: Item[];
  selfServicePromiseMaxDays: number;
  activity: { at: string; action: string; summary: string; status: string }[];
  directDebit: {
    creditor: { name: string; creditorId: string };
    texts: Record<Language, Record<'CORE' | 'B2B', string>>;
    mandates: { mandateId: string; scheme: 'CORE' | 'B2B'; accountEnding: string; signedOn: string; status: string; text: Record<Language, string> }[];
  };
}

interface StatementData {
  from: string;
  to: string;
  currencies: { currency: string; openingBalance: string; closingBalance: string; lines: { date: string; document: string; description: string; amount: string; balance: string }[]; aging: Record<string, string> }[];
}

type Ctx = { t: Texts; lang: Language; link: string; reload: () => void };

/** Minor units of a decimal string (the amounts are exact decimal strings). */
function minor(amount: string): number {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 10 ** fraction.length + Number(fraction || '0');
}

function fromMinor(value: number, decimals: number): string {
  if (decimals === 0) return String(value);
  const text = String(value).padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.details.length ? error.details.map((d) => `${d.field ?? ''}: ${d.problem ?? ''}`).join('; ') : error.message;
  return error instanceof Error ? error.message : String(error);
}

function Refusal({ t, link }: { t: Texts; link: string | undefined }) {
  const expiry = link ? linkExpiry(link) : undefined;
  const expired = expiry !== undefined && expiry <= new Date().toISOString().slice(0, 10);
  return (
    <main class="refusal" aria-labelledby="refused-title">
      <h1 id="refused-title">{t.refusedTitle}</h1>
      <p id="refused-reason">{!link ? t.refusedMissing : expired ? t.refusedExpired(expiry) : t.refusedInvalid}</p>
      <p>{t.refusedHelp}</p>
    </main>
  );
}

function OpenItems({ ctx, data }: { ctx: Ctx; data: PortalData }) {
  const { t, lang, link } = ctx;
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [action, setAction] = useState<{ kind: 'dispute' | 'promise'; item: Item }>();
  const [useCredit, setUseCredit] = useState(false);
  const [paidByCredit, setPaidByCredit] = useState<string>();
  const credit = minor(data.customer.onAccountCredit);
  const selected = data.openItems.filter((i) => chosen[i.invoiceId] !== undefined);
  const currency = selected[0]?.currency ?? data.customer.currency;
  const decimals = (selected[0]?.balance.split('.')[1] ?? '').length;
  const sum = selected.reduce((s, i) => s + minor(chosen[i.invoiceId] || '0'), 0);
  /** What the credit pays when the customer uses it (the server applies the same, item by item). */
  const fromCredit = useCredit && currency === data.customer.currency ? Math.min(credit, sum) : 0;
  const pay = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const checkout = await json<{ url: string | null; credit: { amount: string } }>(link, 'POST', '/portal/checkout', {
        items: selected.map((i) => ({ invoiceId: i.invoiceId, amount: chosen[i.invoiceId] })),
        ...(useCredit ? { useCredit: true } : {}),
      });
      if (checkout.url) {
        window.location.assign(checkout.url);
        return;
      }
      // The on-account credit covered everything: nothing goes to the card.
      setPaidByCredit(t.paidByCredit(formatMoney(checkout.credit.amount, currency, lang)));
      setChosen({});
      setBusy(false);
      ctx.reload();
    } catch (error) {
      setProblem(problemText(error));
      setBusy(false);
    }
  };
  if (data.openItems.length === 0) return <p>{t.noOpenItems}</p>;
  return (
    <form onSubmit={pay} aria-describedby={problem ? 'pay-problem' : undefined}>
      <table class="items">
        <caption class="sr-only">{t.openItems}</caption>
        <thead>
          <tr>
            <th scope="col">{t.select('')}</th>
            <th scope="col">{t.number}</th>
            <th scope="col">{t.dueDate}</th>
            <th scope="col" class="n">{t.balance}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.amount}</th>
            <th scope="col"><span class="sr-only">{t.dispute}</span></th>
          </tr>
        </thead>
        <tbody>
          {data.openItems.map((item) => {
            const name = item.kind === 'charges' ? t.charges(item.number) : item.number;
            const on = chosen[item.invoiceId] !== undefined;
            return (
              <tr key={item.invoiceId} data-invoice={item.number}>
                <td data-label={t.select('')}>
                  <input
                    type="checkbox"
                    id={`pay-${item.invoiceId}`}
                    checked={on}
                    disabled={item.disputed}
                    onChange={(e) => {
                      const next = { ...chosen };
                      if ((e.currentTarget as HTMLInputElement).checked) next[item.invoiceId] = item.balance;
                      else delete next[item.invoiceId];
                      setChosen(next);
                    }}
                  />
                  <label for={`pay-${item.invoiceId}`} class="sr-only">
                    {t.select(name)}
                  </label>
                </td>
                <th scope="row" data-label={t.number}>
                  {name}
                </th>
                <td data-label={t.dueDate}>{formatDate(item.dueDate, lang)}</td>
                <td data-label={t.balance} class="n">
                  {formatMoney(item.balance, item.currency, lang)}
                </td>
                <td data-label={t.status}>
                  {t.statuses[item.status] ?? item.status}
                  {item.promisedUntil ? <div class="note">{t.promisedUntil(formatDate(item.promisedUntil, lang))}</div> : null}
                </td>
                <td data-label={t.amount}>
                  <label for={`amount-${item.invoiceId}`} class="sr-only">
                    {t.amountFor(name)}
                  </label>
                  <input
                    id={`amount-${item.invoiceId}`}
                    class="amount"
                    inputMode="decimal"
                    disabled={!on}
                    value={chosen[item.invoiceId] ?? ''}
                    onInput={(e) => setChosen({ ...chosen, [item.invoiceId]: (e.currentTarget as HTMLInputElement).value })}
                  />
                </td>
                <td class="actions">
                  <button type="button" class="link" aria-label={t.documentOf(name)} onClick={() => download(link, `/portal/invoices/${encodeURIComponent(item.invoiceId)}/document`, 'application/pdf', `${item.number}.pdf`)}>
                    {t.document}
                  </button>
                  {item.kind === 'invoice' ? (
                    <button type="button" class="link" aria-label={t.einvoiceOf(name)} onClick={() => download(link, `/portal/invoices/${encodeURIComponent(item.invoiceId)}/document`, 'application/xml', `${item.number}.xml`)}>
                      {t.einvoice}
                    </button>
                  ) : null}
                  {item.kind === 'invoice' && !item.disputed ? (
                    <>
                      <button type="button" class="link" aria-label={t.disputeOf(name)} onClick={() => setAction({ kind: 'dispute', item })}>
                        {t.dispute}
                      </button>
                      <button type="button" class="link" aria-label={t.promiseOf(name)} onClick={() => setAction({ kind: 'promise', item })}>
                        {t.promise}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {problem ? (
        <p id="pay-problem" role="alert" class="problem">
          {problem}
        </p>
      ) : null}
      {paidByCredit ? (
        <p id="paid-by-credit" role="status">
          {paidByCredit}
        </p>
      ) : null}
      {credit > 0 && currency === data.customer.currency ? (
        <p class="use-credit">
          <input type="checkbox" id="use-credit" checked={useCredit} onChange={(e) => setUseCredit((e.currentTarget as HTMLInputElement).checked)} />
          <label for="use-credit">{t.useCredit(formatMoney(data.customer.onAccountCredit, data.customer.currency, lang))}</label>
        </p>
      ) : null}
      <button type="submit" id="pay-selected" disabled={busy || selected.length === 0}>
        {selected.length === 0
          ? t.payNothing
          : fromCredit > 0
            ? t.payWithCredit(formatMoney(fromMinor(fromCredit, decimals), currency, lang), formatMoney(fromMinor(sum - fromCredit, decimals), currency, lang))
            : t.paySelected(formatMoney(fromMinor(sum, decimals), currency, lang))}
      </button>
      {action ? <ActionForm key={`${action.kind}-${action.item.invoiceId}`} ctx={ctx} kind={action.kind} item={action.item} maxDays={data.selfServicePromiseMaxDays} today={data.today} onDone={() => setAction(undefined)} /> : null}
    </form>
  );
}

function ActionForm({ ctx, kind, item, today, onDone }: { ctx: Ctx; kind: 'dispute' | 'promise'; item: Item; maxDays: number; today: string; onDone: () => void }) {
  const { t, link, reload } = ctx;
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState(kind === 'promise' ? item.balance : '');
  const [date, setDate] = useState(today);
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const submit = async () => {
    setProblem(undefined);
    try {
      if (kind === 'dispute') {
        await json(link, 'POST', '/portal/disputes', { invoiceId: item.invoiceId, reason, ...(amount ? { amount } : {}) });
        setDone(t.disputeSent);
      } else {
        const result = await json<{ accepted: boolean }>(link, 'POST', '/portal/promises', { invoiceId: item.invoiceId, amount, promisedDate: date });
        setDone(result.accepted ? t.promiseAccepted(formatDate(date, ctx.lang)) : t.promiseWaiting);
      }
      reload();
    } catch (error) {
      setProblem(problemText(error));
    }
  };
  const title = kind === 'dispute' ? t.disputeOf(item.number) : t.promiseOf(item.number);
  return (
    <section class="dialog" role="region" aria-labelledby="action-title">
      <h3 id="action-title">{title}</h3>
      {done ? (
        <p role="status" id="action-done">
          {done}
        </p>
      ) : (
        <div>
          {kind === 'dispute' ? (
            <>
              <label for="dispute-reason">{t.reason}</label>
              <textarea id="dispute-reason" required maxLength={500} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
              <label for="dispute-amount">{t.disputedAmount}</label>
              <input id="dispute-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)} />
            </>
          ) : (
            <>
              <label for="promise-amount">{t.promisedAmount}</label>
              <input id="promise-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)} />
              <label for="promise-date">{t.promisedDate}</label>
              <input id="promise-date" type="date" min={today} value={date} onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)} />
            </>
          )}
          {problem ? (
            <p role="alert" class="problem">
              {problem}
            </p>
          ) : null}
          <div class="buttons">
            <button type="button" id="action-send" onClick={submit}>
              {t.send}
            </button>
            <button type="button" class="secondary" onClick={onDone}>
              {t.cancel}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function PaidItems({ ctx, data }: { ctx: Ctx; data: PortalData }) {
  const { t, lang, link } = ctx;
  if (data.paidItems.length === 0) return <p>{t.noPaidItems}</p>;
  return (
    <table class="items">
      <caption class="sr-only">{t.paidItems}</caption>
      <thead>
        <tr>
          <th scope="col">{t.number}</th>
          <th scope="col" class="n">{t.total}</th>
          <th scope="col">{t.paid}</th>
          <th scope="col">{t.status}</th>
          <th scope="col"><span class="sr-only">{t.document}</span></th>
        </tr>
      </thead>
      <tbody>
        {data.paidItems.map((item) => (
          <tr key={item.invoiceId} data-invoice={item.number}>
            <th scope="row" data-label={t.number}>
              {item.kind === 'charges' ? t.charges(item.number) : item.number}
            </th>
            <td data-label={t.total} class="n">
              {formatMoney(item.total, item.currency, lang)}
            </td>
            <td data-label={t.paid}>
              {item.payments.map((p) => (
                <div key={p.paymentId}>
                  {formatMoney(p.amount, item.currency, lang)} · {formatDate(p.at.slice(0, 10), lang)}
                </div>
              ))}
            </td>
            <td data-label={t.status}>{t.statuses[item.status] ?? item.status}</td>
            <td class="actions">
              <button type="button" class="link" aria-label={t.documentOf(item.number)} onClick={() => download(link, `/portal/invoices/${encodeURIComponent(item.invoiceId)}/document`, 'application/pdf', `${item.number}.pdf`)}>
                {t.document}
              </button>
              {item.kind === 'invoice' ? (
                <button type="button" class="link" aria-label={t.einvoiceOf(item.number)} onClick={() => download(link, `/portal/invoices/${encodeURIComponent(item.invoiceId)}/document`, 'application/xml', `${item.number}.xml`)}>
                  {t.einvoice}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Statement({ ctx, data }: { ctx: Ctx; data: PortalData }) {
  const { t, lang, link } = ctx;
  const [from, setFrom] = useState(`${data.today.slice(0, 8)}01`);
  const [to, setTo] = useState(data.today);
  const [statement, setStatement] = useState<StatementData>();
  const [problem, setProblem] = useState<string>();
  const path = `/customers/${encodeURIComponent(data.customer.customerId)}/statement?from=${from}&to=${to}`;
  const show = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      setStatement(await json<StatementData>(link, 'GET', path));
    } catch (error) {
      setProblem(problemText(error));
    }
  };
  return (
    <div>
      <form class="inline" onSubmit={show}>
        <label for="statement-from">{t.from}</label>
        <input id="statement-from" type="date" value={from} max={to} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        <label for="statement-to">{t.to}</label>
        <input id="statement-to" type="date" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" id="statement-show">
          {t.show}
        </button>
        <button type="button" class="secondary" onClick={() => download(link, path, 'application/pdf', `statement-${from}-${to}.pdf`)}>
          {t.downloadPdf}
        </button>
        <button type="button" class="secondary" onClick={() => download(link, path, 'text/csv', `statement-${from}-${to}.csv`)}>
          {t.downloadCsv}
        </button>
      </form>
      {problem ? (
        <p role="alert" class="problem">
          {problem}
        </p>
      ) : null}
      {statement?.currencies.map((c) => (
        <table class="items statement" key={c.currency}>
          <caption>
            {t.statement} · {c.currency}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t.date}</th>
              <th scope="col">{t.description}</th>
              <th scope="col" class="n">{t.amount}</th>
              <th scope="col" class="n">{t.runningBalance}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td data-label={t.date}>{formatDate(statement.from, lang)}</td>
              <th scope="row" data-label={t.description}>{t.opening}</th>
              <td class="n" data-label={t.amount} />
              <td class="n" data-label={t.runningBalance}>{formatMoney(c.openingBalance, c.currency, lang)}</td>
            </tr>
            {c.lines.map((l, i) => (
              <tr key={i}>
                <td data-label={t.date}>{formatDate(l.date, lang)}</td>
                <td data-label={t.description}>{l.description}</td>
                <td class="n" data-label={t.amount}>{formatMoney(l.amount, c.currency, lang)}</td>
                <td class="n" data-label={t.runningBalance}>{formatMoney(l.balance, c.currency, lang)}</td>
              </tr>
            ))}
            <tr>
              <td data-label={t.date}>{formatDate(statement.to, lang)}</td>
              <th scope="row" data-label={t.description}>{t.closing}</th>
              <td class="n" data-label={t.amount} />
              <td class="n" data-label={t.runningBalance} id={`closing-${c.currency}`}>{formatMoney(c.closingBalance, c.currency, lang)}</td>
            </tr>
          </tbody>
        </table>
      ))}
    </div>
  );
}

function BillingEmail({ ctx, data }: { ctx: Ctx; data: PortalData }) {
  const { t, link, reload } = ctx;
  const [email, setEmail] = useState(data.customer.email);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await json(link, 'PUT', '/portal/billing-email', { email });
      setMessage({ ok: true, text: t.emailSaved });
      reload();
    } catch (error) {
      setMessage({ ok: false, text: problemText(error) });
    }
  };
  return (
    <form class="inline" onSubmit={save}>
      <label for="billing-email">{t.emailLabel}</label>
      <input id="billing-email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit" id="billing-email-save">
        {t.save}
      </button>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'problem'}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

/** The customer's SEPA mandates: the list (revoke an active one) and a form to sign one, showing the mandate text to accept. */
function Mandates({ ctx, data }: { ctx: Ctx; data: PortalData }) {
  const { t, lang, link, reload } = ctx;
  const [form, setForm] = useState({ iban: '', bic: '', accountHolder: data.customer.name, scheme: 'CORE' as 'CORE' | 'B2B', accept: false });
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const sign = async (event: Event) => {
    event.preventDefault();
    try {
      const body = { iban: form.iban, ...(form.bic.trim() ? { bic: form.bic } : {}), accountHolder: form.accountHolder, scheme: form.scheme, acceptMandateText: form.accept };
      const signed = await json<{ mandateId: string }>(link, 'POST', '/portal/mandates', body);
      setMessage({ ok: true, text: t.signed(signed.mandateId) });
      reload();
    } catch (error) {
      setMessage({ ok: false, text: problemText(error) });
    }
  };
  const revoke = async (mandateId: string) => {
    try {
      await json(link, 'POST', '/portal/mandates/revoke', { mandateId });
      setMessage({ ok: true, text: t.revoked });
      reload();
    } catch (error) {
      setMessage({ ok: false, text: problemText(error) });
    }
  };
  const set = (key: 'iban' | 'bic' | 'accountHolder') => (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  const mandates = data.directDebit.mandates;
  return (
    <>
      {mandates.length === 0 ? (
        <p>{t.noMandates}</p>
      ) : (
        <table id="mandates" class="items">
          <thead>
            <tr>
              <th scope="col">{t.mandateRef}</th>
              <th scope="col">{t.scheme}</th>
              <th scope="col">{t.account}</th>
              <th scope="col">{t.signedOn}</th>
              <th scope="col">{t.mandateStatus}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {mandates.map((m) => (
              <tr key={m.mandateId}>
                <td data-label={t.mandateRef}>{m.mandateId}</td>
                <td data-label={t.scheme}>{t.schemes[m.scheme] ?? m.scheme}</td>
                <td data-label={t.account}>{t.accountEnding(m.accountEnding)}</td>
                <td data-label={t.signedOn}>{formatDate(m.signedOn, lang)}</td>
                <td data-label={t.mandateStatus}>{t.mandateStatuses[m.status] ?? m.status}</td>
                <td>
                  {m.status === 'ACTIVE' ? (
                    <button type="button" id={`revoke-${m.mandateId}`} onClick={() => void revoke(m.mandateId)}>
                      {t.revoke}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form id="mandate-form" class="dialog" onSubmit={sign}>
        <h3>{t.signMandate}</h3>
        <label for="mandate-iban">{t.iban}</label>
        <input id="mandate-iban" required autoComplete="off" value={form.iban} onInput={set('iban')} />
        <label for="mandate-bic">{t.bic}</label>
        <input id="mandate-bic" autoComplete="off" value={form.bic} onInput={set('bic')} />
        <label for="mandate-holder">{t.accountHolder}</label>
        <input id="mandate-holder" required value={form.accountHolder} onInput={set('accountHolder')} />
        <label for="mandate-scheme">{t.scheme}</label>
        <select id="mandate-scheme" value={form.scheme} onChange={(e) => setForm({ ...form, scheme: (e.currentTarget as HTMLSelectElement).value as 'CORE' | 'B2B' })}>
          <option value="CORE">{t.schemes.CORE}</option>
          <option value="B2B">{t.schemes.B2B}</option>
        </select>
        <h4>{t.mandateTextTitle}</h4>
        <p id="mandate-text">{data.directDebit.texts[lang][form.scheme]}</p>
        <label>
          <input id="mandate-accept" type="checkbox" required checked={form.accept} onChange={(e) => setForm({ ...form, accept: (e.currentTarget as HTMLInputElement).checked })} /> {t.acceptMandate}
        </label>
        <button type="submit" id="mandate-sign">
          {t.sign}
        </button>
      </form>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'problem'} id="mandate-message">
          {message.text}
        </p>
      ) : null}
    </>
  );
}

function App() {
  const link = useMemo(() => takeLink(), []);
  const [lang, setLang] = useState<Language>(() => languageOf(navigator.language));
  const [chosenLang, setChosenLang] = useState<Language>();
  const [data, setData] = useState<PortalData>();
  const [refused, setRefused] = useState(link === undefined);
  const [problem, setProblem] = useState<string>();
  const [version, setVersion] = useState(0);
  const banner = new URLSearchParams(window.location.search).get('checkout');
  useEffect(() => {
    if (!link) return;
    json<PortalData>(link, 'GET', '/portal')
      .then((d) => {
        setData(d);
        if (!chosenLang) setLang(languageOf(d.customer.locale));
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setRefused(true);
        else setProblem(problemText(error));
      });
  }, [version]);
  const t = TEXTS[chosenLang ?? lang];
  const language = chosenLang ?? lang;
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t.title;
  }, [language]);
  const ctx: Ctx = { t, lang: language, link: link ?? '', reload: () => setVersion((v) => v + 1) };
  const switcher = (
    <div class="language">
      <label for="language">{t.language}</label>
      <select id="language" value={language} onChange={(e) => setChosenLang((e.currentTarget as HTMLSelectElement).value as Language)}>
        <option value="en">English</option>
        <option value="de">Deutsch</option>
      </select>
    </div>
  );
  if (refused) {
    return (
      <>
        <header>{switcher}</header>
        <Refusal t={t} link={link} />
      </>
    );
  }
  return (
    <>
      <header>
        <h1>{data ? data.customer.name : t.title}</h1>
        {switcher}
      </header>
      <main>
        {banner === 'paid' ? (
          <p role="status" class="ok banner" id="banner">
            {t.paidBanner}
          </p>
        ) : banner === 'cancelled' ? (
          <p role="status" class="banner" id="banner">
            {t.cancelledBanner}
          </p>
        ) : null}
        {problem ? (
          <p role="alert" class="problem">
            {t.error}: {problem}
          </p>
        ) : null}
        {!data ? (
          <p aria-busy="true">{t.loading}</p>
        ) : (
          <>
            <section aria-labelledby="summary-title" class="summary">
              <h2 id="summary-title" class="sr-only">
                {t.totalOpen}
              </h2>
              {data.openTotals.map((o) => (
                <p key={o.currency}>
                  {t.totalOpen}: <strong id={`open-total-${o.currency}`}>{formatMoney(o.amount, o.currency, language)}</strong>
                </p>
              ))}
              {minor(data.customer.onAccountCredit) > 0 ? (
                <p>
                  {t.onAccount}: {formatMoney(data.customer.onAccountCredit, data.customer.currency, language)}
                </p>
              ) : null}
            </section>
            <section aria-labelledby="open-title">
              <h2 id="open-title">{t.openItems}</h2>
              <OpenItems ctx={ctx} data={data} />
            </section>
            <section aria-labelledby="paid-title">
              <h2 id="paid-title">{t.paidItems}</h2>
              <PaidItems ctx={ctx} data={data} />
            </section>
            <section aria-labelledby="statement-title">
              <h2 id="statement-title">{t.statement}</h2>
              <Statement ctx={ctx} data={data} />
            </section>
            <section aria-labelledby="mandates-title">
              <h2 id="mandates-title">{t.mandates}</h2>
              <Mandates ctx={ctx} data={data} />
            </section>
            <section aria-labelledby="email-title">
              <h2 id="email-title">{t.billingEmail}</h2>
              <BillingEmail ctx={ctx} data={data} />
            </section>
            <section aria-labelledby="activity-title">
              <h2 id="activity-title">{t.activity}</h2>
              {data.activity.length === 0 ? (
                <p>{t.noActivity}</p>
              ) : (
                <ul class="activity">
                  {data.activity.map((a) => (
                    <li key={a.at + a.action}>
                      <time dateTime={a.at}>{formatDate(a.at.slice(0, 10), language)}</time> {a.summary}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
