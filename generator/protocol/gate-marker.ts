/**
 * The private index's stand-in for "the gate repository" wherever a file has no repository of its
 * own (local folders, package lists): the model records it on withheld projects, the access map
 * writes it, and the gate spells it out as the stack's gate repository.
 */
export const GATE = "(gate)";
