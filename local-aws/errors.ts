/** Start-up problems the user can fix, with what to do. `npm start` prints these without a stack trace. */
export class LocalStartupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LocalStartupError';
  }
}
