import './contract-runner';

describe('loading the contract in a host process', () => {
  it("leaves no fabric-contract-api listener that would swallow the host's crashes", () => {
    const names = [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')].map(
      (l) => l.name,
    );
    expect(names).not.toContain('loggerUnhandledRejectionFn');
    expect(names).not.toContain('bound _uncaughtException');
  });

  it('does not leave the peer logging variable behind', () => {
    expect(process.env.CORE_CHAINCODE_LOGGING_LEVEL).toBeUndefined();
  });
});
