import { webhookUrlProblem } from './webhook-target';

const LOOPBACK_OK = { allowLoopback: true, denyPrivateNetworks: false };
const STRICT = { allowLoopback: false, denyPrivateNetworks: true };

describe('webhook URLs', () => {
  it('takes https anywhere the probe policy allows, plain http only to loopback when allowed', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', STRICT)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', LOOPBACK_OK)).toBeNull();
    expect(webhookUrlProblem('http://localhost:8080/x', LOOPBACK_OK)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', LOOPBACK_OK)).toMatch(/https/);
    expect(webhookUrlProblem('http://127.0.0.1/x', STRICT)).toMatch(/https/);
  });

  it('refuses the addresses probes refuse, in any IPv6 form', () => {
    expect(webhookUrlProblem('https://127.0.0.1/x', STRICT)).toMatch(/loopback/);
    expect(webhookUrlProblem('https://10.0.0.1/x', STRICT)).toMatch(/private/);
    expect(webhookUrlProblem('https://169.254.169.254/x', LOOPBACK_OK)).toMatch(/metadata/);
    expect(webhookUrlProblem('https://[64:ff9b::a9fe:a9fe]/x', LOOPBACK_OK)).toMatch(/metadata/);
    expect(webhookUrlProblem('https://u:p@hooks.example.com/x', LOOPBACK_OK)).toMatch(
      /credentials/,
    );
  });
});
