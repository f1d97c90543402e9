import { element } from "./dom.ts";

/**
 * Shows a spinner and a message in a live region while `work` runs, then its error (if any).
 * Buttons passed in are disabled meanwhile so a request is not sent twice.
 */
export async function whileBusy<Result>(
  status: HTMLElement,
  message: string,
  buttons: readonly HTMLButtonElement[],
  work: () => Promise<Result>,
): Promise<Result | undefined> {
  status.replaceChildren(
    element("span", { className: "spinner", attrs: { "aria-hidden": "true" } }),
    message,
  );
  status.className = "status busy";
  status.setAttribute("aria-busy", "true");
  for (const button of buttons) button.disabled = true;
  try {
    const result = await work();
    status.replaceChildren();
    status.className = "status";
    return result;
  } catch (error) {
    status.replaceChildren(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    status.className = "status error";
    return undefined;
  } finally {
    status.removeAttribute("aria-busy");
    for (const button of buttons) button.disabled = false;
  }
}
