/** Fund and payment records: the chaincode's own fixtures, so both sides of the contract build the same ones. */
export { fundRecord, paymentFor } from '../../../../chaincode/test/support/fixtures';
