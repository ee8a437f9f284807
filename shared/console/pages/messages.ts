/** Pages with no fleet data: sign-in, refused links, the email acknowledge confirmation. */
import { type Html, html } from '../html.js';
import { CONSOLE_PATH } from '../routes.js';

export function signInBody(mode: 'local' | 'cognito'): Html {
  return html`<h1>Sign in</h1>
${
  mode === 'local'
    ? html`<p>This local Listener signs you in with a one-time link. In a terminal, in the Listener's directory, run:</p>
<pre><code>npx listener console-url</code></pre>
<p>and open the link it prints (it works once, for 10 minutes).</p>`
    : html`<p><a class="button primary" href="${CONSOLE_PATH}/sign-in/start">Sign in with your console account</a></p>`
}`;
}

export function refusedBody(title: string, message: string): Html {
  return html`<h1>${title}</h1><p>${message}</p><p><a href="${CONSOLE_PATH}/sign-in">Sign in</a></p>`;
}

/** The page an email acknowledge link opens: nothing happens until the button is pressed. */
export function ackConfirmBody(input: {
  readonly logger: string;
  readonly state: string;
  readonly token: string;
  readonly csrf: string;
  readonly name?: string;
}): Html {
  return html`<h1>Acknowledge the alarm of ${input.logger}?</h1>
<p>It is ${input.state} now. Acknowledging says you own it: reminders stop and everyone sees your name.</p>
<form method="post" action="${CONSOLE_PATH}/ack" class="action">
<input type="hidden" name="t" value="${input.token}">
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="ack-by">Your name</label><input id="ack-by" name="by" required maxlength="64" autocomplete="name" value="${input.name ?? ''}">
<label for="ack-ticket">Ticket</label><input id="ack-ticket" name="ticket" maxlength="64" autocomplete="off">
<button type="submit" class="primary">Acknowledge</button>
</form>`;
}
