/** Cash application: match bank statement credit lines to open items. Pure domain code. */
export type * from './types';
export { CashApplication, DEFAULT_CASH_APPLICATION_POLICY, matchStatementLines, statementLines } from './matcher';
export { buildOpenItemIndex, CashApplicationInputError, compareByAge, type OpenItemIndex } from './open-item-index';
export { compactForm, groupForm, lookupKey, readingStrength, withinOneEdit } from './invoice-number';
export { normalizeAccount, normalizePayerName } from './payer';
export { findSubsetsWithSum, type SubsetSearch } from './subset-sum';
export { CashApplicationFileError, checkHeader, CUSTOMER_COLUMNS, knownCustomerFromRow, OPEN_ITEM_COLUMNS, openItemFromRow, OPTIONAL_CUSTOMER_COLUMNS, toOutputRecord, type CashApplicationOutputRecord } from './files';
export { compareNames, nameSimilarity, normalizeName, type NormalizedName } from './names';
export { CustomerNameIndex, type NameCandidate } from './name-index';
export { ADVICE_COLUMNS, adviceFitsLine, adviceFromTable, DEDUCTION_REASONS, OPTIONAL_ADVICE_COLUMNS, readAdviceCsv, RemittanceAdviceError, type AdviceLine, type RemittanceAdvice } from './remittance-advice';
