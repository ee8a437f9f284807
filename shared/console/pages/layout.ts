/** The frame of every console page: head (CSS and script from the console's own assets), nav, main. */
import { formatDuration } from '../../domain/duration.js';
import { ASSETS } from '../assets.js';
import { type Html, html } from '../html.js';
import { CONSOLE_PATH } from '../routes.js';

export interface Viewer {
  readonly user: string;
  /** The CSRF token every form of the page carries. */
  readonly csrf: string;
}

export type Section = 'fleet' | 'alarms' | 'logger' | 'none';

export function page(options: {
  readonly title: string;
  readonly listener: string;
  readonly viewer?: Viewer;
  readonly section: Section;
  readonly body: Html;
  /** Flash message after an action (fixed texts only, never echoed input). */
  readonly notice?: string;
}): Html {
  const { title, viewer, section, listener } = options;
  const current = (s: Section) => (s === section ? html` aria-current="page"` : '');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Listener ${listener}</title>
<link rel="stylesheet" href="${ASSETS.css.url}">
<script src="${ASSETS.js.url}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">Phone Home Listener <strong>${listener}</strong></p>
${
  viewer
    ? html`<nav aria-label="Console">
<ul>
<li><a href="${CONSOLE_PATH}"${current('fleet')}>Fleet</a></li>
<li><a href="${CONSOLE_PATH}/alarms"${current('alarms')}>Alarms</a></li>
</ul>
</nav>
<form class="signout" method="post" action="${CONSOLE_PATH}/sign-out">
<input type="hidden" name="csrf" value="${viewer.csrf}">
<span class="who">${viewer.user}</span> <button type="submit">Sign out</button>
</form>`
    : ''
}
</header>
<main id="main" tabindex="-1">
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.body}
</main>
</body>
</html>
`;
}

/** `2026-11-24 17:03Z` in a `<time>` with the exact instant, and how long ago. */
export function ago(ms: number | undefined, now: number): Html {
  if (ms === undefined) return html`<span class="muted">never</span>`;
  const stamp = new Date(ms).toISOString();
  const delta = now - ms;
  // Under a second, "31ms ago" reads like a glitch.
  const rel =
    Math.abs(delta) < 1_000
      ? 'just now'
      : delta >= 0
        ? `${formatDuration(delta)} ago`
        : `in ${formatDuration(-delta)}`;
  return html`<time datetime="${stamp}" title="${stamp}">${rel}</time>`;
}

/** A state badge: text (never colour alone) with a class for its colour. */
export function badge(state: string, overdue = false): Html {
  return html`<span class="badge s-${state.toLowerCase()}">${state}${overdue ? html`<span class="overdue"> · overdue</span>` : ''}</span>`;
}

/** The hidden CSRF field of a form. */
export function csrfField(viewer: Viewer): Html {
  return html`<input type="hidden" name="csrf" value="${viewer.csrf}">`;
}
