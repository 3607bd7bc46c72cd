/**
 * The few browser APIs the tracking script touches, typed here instead of pulling the DOM library
 * into the whole (Node) program: every use of the page is visible in this one list.
 */
export interface PageElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: PageElement): unknown;
  querySelector(selector: string): PageElement | null;
  name?: string;
  type?: string;
  value?: string;
  href?: string;
  src?: string;
}

export interface PageWindow {
  location: { href: string; protocol: string; pathname: string };
  document: {
    cookie: string;
    readyState: string;
    currentScript: PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    createElement(tag: string): PageElement;
    addEventListener(type: string, listener: () => void): void;
  };
  navigator: { sendBeacon?: (url: string, body: string) => boolean };
  fetch(url: string, init: Record<string, unknown>): Promise<unknown>;
  /** Present on Shopify storefronts. */
  Shopify?: unknown;
  affiliate?: unknown;
}

export const page = globalThis as unknown as PageWindow;
