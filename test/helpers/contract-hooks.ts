// Mocha root hooks (.mocharc.json "require"): the response contract (contract.ts) checks every response
// of every suite, and a response that breaks it fails the test that produced it, naming the request.
import { failOnViolations, installContractCheck, responsesChecked, takeViolations } from './contract.js';

installContractCheck();

export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    const test = this.currentTest;
    // Every test here returns a promise or nothing; a done-callback test would keep its own fn.
    if (!test?.fn || test.async) return;
    const fn = test.fn as (this: Mocha.Context) => unknown;
    test.fn = async function (this: Mocha.Context) {
      try {
        await fn.call(this);
      } catch (err) {
        // The test failed by itself: say what the contract found too, rather than blame the next test.
        const found = takeViolations();
        if (found.length && err instanceof Error)
          err.message += `\n(also, response contract violated: ${found.map((v) => `${v.request}: ${v.problem}`).join('; ')})`;
        throw err;
      }
      failOnViolations();
    };
  },
  // Responses of the last tests' after hooks.
  afterAll() {
    failOnViolations();
    console.log(`  response contract: ${responsesChecked()} responses checked against the OpenAPI document`);
  },
};
