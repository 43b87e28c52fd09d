/**
 * The Azure SDK and msal-node, loaded on first use. Importing them costs seconds (most of the
 * CLI's start-up), and most commands — sessions, policies, repositories, backups — never talk to
 * Azure, so only a connection or a sign-in pays for them.
 */
function load() {
  return Promise.all([import('../arm-clients.ts'), import('../service-principal-credential.ts'), import('./public-client-credential.ts')]).then(
    ([arm, servicePrincipal, publicClient]) => ({
      ArmClients: arm.ArmClients,
      createServicePrincipalCredential: servicePrincipal.createServicePrincipalCredential,
      createPublicClientCredential: publicClient.createPublicClientCredential,
      signInInteractively: publicClient.signInInteractively,
      signInWithDeviceCode: publicClient.signInWithDeviceCode,
      DEFAULT_PUBLIC_CLIENT_ID: publicClient.DEFAULT_PUBLIC_CLIENT_ID,
    }),
  );
}

let sdk: ReturnType<typeof load> | undefined;

/** The loaded SDK pieces (the same promise every time). */
export function loadAzureSdk(): ReturnType<typeof load> {
  sdk ??= load();
  return sdk;
}
