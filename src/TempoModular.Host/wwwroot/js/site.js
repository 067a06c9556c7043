// TempoModular's one site script: the few behaviours htmx cannot provide.
// Every page works without it; it only adds dialogs, copy buttons and menu
// keys. No inline script anywhere (Content-Security-Policy script-src 'self').
(() => {
    'use strict';

    const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

    // ---- Dialogs -------------------------------------------------------------
    // A link or form that htmx loads into a closed <dialog> opens it as a modal.
    // Focus moves into the dialog and, when it closes, back to what opened it
    // (the Actions menu of the same row, even if the list was reloaded since).

    const openers = new WeakMap();

    document.addEventListener('htmx:beforeRequest', (event) => {
        const target = event.detail.target;
        const dialog = target && target.closest ? target.closest('dialog') : null;
        if (dialog && !dialog.open) {
            const element = event.detail.elt;
            const menu = element.closest('details.menu');
            const row = element.closest('[data-client-id]');
            openers.set(dialog, {
                element: menu ? menu.querySelector('summary') : element,
                clientId: row ? row.getAttribute('data-client-id') : null,
            });
        }
    });

    document.addEventListener('htmx:afterSettle', (event) => {
        const target = event.detail.target;
        const dialog = target && target.isConnected ? target.closest('dialog') : document.querySelector('dialog[open]');
        if (!dialog) {
            return;
        }

        if (!dialog.open) {
            dialog.showModal();
        }

        // After a swap inside the dialog (form errors, a result), focus must not
        // be left on an element that is gone.
        if (!dialog.contains(document.activeElement) || document.activeElement === dialog) {
            const next = dialog.querySelector('[autofocus]') || dialog.querySelector(focusable);
            (next || dialog).focus();
        }
    });

    // "Cancel", "Done" and "Close" are links to the list, so they work without
    // script; in a dialog they just close it.
    document.addEventListener('click', (event) => {
        const close = event.target.closest('[data-close-dialog]');
        const dialog = close ? close.closest('dialog') : null;
        if (dialog && dialog.open) {
            event.preventDefault();
            dialog.close();
        }
    });

    // An edit or a delete done: the server swapped its outcome into the list
    // page's notice (HX-Trigger-After-Settle: close-dialog), so the dialog goes.
    document.addEventListener('close-dialog', () => {
        const dialog = document.querySelector('dialog[open]');
        if (dialog) {
            dialog.close();
        }
    });

    // 'close' does not bubble; listening in the capture phase catches it.
    document.addEventListener('close', (event) => {
        const dialog = event.target;
        if (!(dialog instanceof HTMLDialogElement)) {
            return;
        }

        // A revealed client secret does not stay in the page once the dialog is closed.
        const content = dialog.querySelector('#dialog-content') || dialog;
        content.replaceChildren();

        const opener = openers.get(dialog);
        openers.delete(dialog);
        let back = opener && opener.element.isConnected ? opener.element : null;
        if (!back && opener && opener.clientId) {
            const row = document.querySelector(`[data-client-id="${CSS.escape(opener.clientId)}"]`);
            back = row ? row.querySelector('details.menu summary') : null;
        }

        (back || document.getElementById('add-application') || document.getElementById('main')).focus();
    }, true);

    // ---- Copy to clipboard ---------------------------------------------------
    // <button data-copy="ID"> copies the value of the field with that id and says
    // "Copied" in the status element "ID-copied" (role=status, so it is announced).

    const showCopyButtons = (root) => {
        root.querySelectorAll('button[data-copy][hidden]').forEach((button) => {
            button.hidden = false;
        });
    };

    document.addEventListener('DOMContentLoaded', () => showCopyButtons(document));
    document.addEventListener('htmx:load', (event) => showCopyButtons(event.target));

    const say = (status, message, button) => {
        if (!status) {
            return;
        }

        status.textContent = message;
        if (button) {
            button.setAttribute('data-copied', '');
        }

        clearTimeout(status.clearTimer);
        status.clearTimer = setTimeout(() => {
            status.textContent = '';
            if (button) {
                button.removeAttribute('data-copied');
            }
        }, 4000);
    };

    document.addEventListener('click', async (event) => {
        const button = event.target.closest('button[data-copy]');
        if (!button) {
            return;
        }

        const id = button.getAttribute('data-copy');
        const field = document.getElementById(id);
        const status = document.getElementById(id + '-copied');
        if (!field) {
            return;
        }

        try {
            // Only in a secure context (HTTPS, or http on 127.0.0.1/localhost).
            await navigator.clipboard.writeText(field.value);
            say(status, 'Copied', button);
        } catch {
            field.focus();
            field.select();
            say(status, 'Selected: press Ctrl+C (⌘C on a Mac) to copy');
        }
    });

    // ---- Menus ---------------------------------------------------------------
    // <details class="menu"> opens and closes with Enter or Space on its summary
    // by itself. Added here: arrow keys, Home and End move through the items;
    // Escape closes it and returns to the summary; one menu is open at a time;
    // it closes when focus or a click goes elsewhere, or an item is chosen.

    const items = (menu) => [...menu.querySelectorAll('.menu-items a[href], .menu-items button:not([disabled])')];

    document.addEventListener('toggle', (event) => {
        const menu = event.target;
        if (menu instanceof HTMLDetailsElement && menu.matches('details.menu') && menu.open) {
            document.querySelectorAll('details.menu[open]').forEach((other) => {
                if (other !== menu) {
                    other.open = false;
                }
            });
        }
    }, true);

    document.addEventListener('keydown', (event) => {
        const menu = event.target.closest ? event.target.closest('details.menu') : null;
        if (!menu) {
            return;
        }

        const summary = menu.querySelector('summary');
        const list = items(menu);
        const index = list.indexOf(event.target);
        let next = null;
        switch (event.key) {
            case 'Escape':
                if (menu.open) {
                    menu.open = false;
                    summary.focus();
                    event.preventDefault();
                }

                return;
            case 'ArrowDown':
                next = list[(index + 1) % list.length];
                break;
            case 'ArrowUp':
                next = list[index <= 0 ? list.length - 1 : index - 1];
                break;
            case 'Home':
                next = index >= 0 ? list[0] : null;
                break;
            case 'End':
                next = index >= 0 ? list[list.length - 1] : null;
                break;
            default:
                return;
        }

        if (next) {
            event.preventDefault();
            menu.open = true;
            next.focus();
        }
    });

    document.addEventListener('focusout', (event) => {
        const menu = event.target.closest ? event.target.closest('details.menu[open]') : null;
        if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) {
            menu.open = false;
        }
    });

    document.addEventListener('click', (event) => {
        const chosen = event.target.closest('details.menu .menu-items a');
        document.querySelectorAll('details.menu[open]').forEach((menu) => {
            if (!menu.contains(event.target) || (chosen && menu.contains(chosen))) {
                menu.open = false;
            }
        });
    });
})();
