/**
 * Named warnings: bad input is reported with a stable code (so a CI log can be grepped and
 * `--strict` can turn them into errors), never dropped silently. The codes, each described, are
 * in warning-codes.ts.
 */
import type { WarningCode } from "./warning-codes.js";
export type { WarningCode } from "./warning-codes.js";

export interface Warning {
  code: WarningCode;
  message: string;
  /** The file or input the warning is about, when there is one. */
  subject?: string;
}

export class Warnings {
  readonly items: Warning[] = [];
  constructor(private readonly onWarn?: (w: Warning) => void) {}
  add(code: WarningCode, message: string, subject?: string): void {
    const w: Warning = subject === undefined ? { code, message } : { code, message, subject };
    this.items.push(w);
    this.onWarn?.(w);
  }
}

/** An error the user can fix: printed without a stack trace, exit code 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}
