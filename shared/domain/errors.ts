/**
 * Typed errors of the Listener. One error middleware maps them to HTTP; anything else is a 5xx whose body
 * stays generic.
 */

/** A request the client can fix: the message names the field and says what is expected. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** Missing or unknown token. The same answer whether or not the Logger exists. */
export class UnknownLoggerError extends Error {
  override readonly name = 'UnknownLoggerError';
  constructor() {
    super(
      'missing or unknown token: send "Authorization: Bearer <logger token>" with the token printed at registration',
    );
  }
}

/** Registering a Logger that already exists. */
export class LoggerExistsError extends Error {
  override readonly name = 'LoggerExistsError';
  constructor(readonly loggerId: string) {
    super(`Logger ${loggerId} is already registered`);
  }
}

/** A Logger looked up by id that is not registered. */
export class LoggerNotFoundError extends Error {
  override readonly name = 'LoggerNotFoundError';
  constructor(readonly loggerId: string) {
    super(`Logger ${loggerId} is not registered`);
  }
}

/** The store (DynamoDB) could not be reached or throttled us: the client should retry later. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Registering a bridge whose site name is taken. */
export class BridgeExistsError extends Error {
  override readonly name = 'BridgeExistsError';
  constructor(readonly site: string) {
    super(`a bridge for site ${site} is already registered`);
  }
}

/** Missing or unknown bridge token on the relay route. */
export class UnknownBridgeError extends Error {
  override readonly name = 'UnknownBridgeError';
  constructor() {
    super(
      'missing or unknown bridge token: send "Authorization: Bearer <bridge token>" printed by listener bridge add',
    );
  }
}

/**
 * A relay envelope whose `bridge` names another site than the token's: the token alone says which bridge
 * is speaking. 403: the token is good, the request is not allowed. The message never repeats the input.
 */
export class BridgeMismatchError extends Error {
  override readonly name = 'BridgeMismatchError';
  constructor() {
    super(
      'the envelope\'s "bridge" is not the site of this bridge token: send the site the token was issued for (or leave "bridge" out)',
    );
  }
}

/** An operator command naming a bridge site that is not registered. */
export class BridgeNotFoundError extends Error {
  override readonly name = 'BridgeNotFoundError';
  constructor(readonly site: string) {
    super(`no bridge is registered for site ${site}`);
  }
}
