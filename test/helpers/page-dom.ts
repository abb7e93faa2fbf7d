/**
 * The part of the DOM that the browser tests' page functions read. Those functions run in the page
 * but are compiled with the project, which has no DOM lib (its code runs in Node): declared with
 * these types (`declare const document: PageDocument`), the page code is checked like the rest.
 */

/** An element. Its textContent is never null (only a document's or a doctype's is). */
export interface PageElement {
  readonly tagName: string;
  readonly id: string;
  readonly className: string;
  readonly classList: Iterable<string>;
  readonly outerHTML: string;
  readonly textContent: string;
  readonly hidden: boolean;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
  readonly parentElement: PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly right: number };
  closest<E extends PageElement = PageElement>(selectors: string): E | null;
  querySelector<E extends PageElement = PageElement>(selectors: string): E | null;
  blur(): void;
}

/** `<a>`: its href is absolute. */
export interface PageLink extends PageElement {
  readonly href: string;
}

export interface PageImage extends PageElement {
  readonly complete: boolean;
  readonly naturalWidth: number;
}

/** `<input>`, `<select>`, `<textarea>`. */
export interface PageField extends PageElement {
  readonly type: string;
  readonly labels: { readonly length: number };
}

export interface PageDocument {
  readonly activeElement: PageElement | null;
  readonly body: PageElement;
  readonly documentElement: PageElement & { readonly scrollWidth: number };
  readonly scripts: Iterable<PageElement>;
  querySelector<E extends PageElement = PageElement>(selectors: string): E | null;
  querySelectorAll<E extends PageElement = PageElement>(selectors: string): Iterable<E>;
}

export interface PageWindow {
  readonly innerWidth: number;
}

export interface PageLocation {
  readonly search: string;
}

export interface PageNavigator {
  readonly clipboard: { readText(): Promise<string> };
}
