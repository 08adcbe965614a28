// Starts a real Vendure server for ecrm's integration tests: sql.js database in a file, bound to 127.0.0.1.
// Settings come from the environment (set by tests/vendure_support.py); the process prints "VENDURE READY <port>"
// once both GraphQL APIs answer, and exits on SIGTERM.
'use strict';

const path = require('path');
const { bootstrap, dummyPaymentHandler } = require('@vendure/core');

const env = (name) => {
    const value = process.env[name];
    if (!value) {
        console.error(`server.js: ${name} is not set`);
        process.exit(2);
    }
    return value;
};

const port = Number(env('ECRM_VENDURE_PORT'));
const dataDir = env('ECRM_VENDURE_DATA');

const config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        adminApiPlayground: false,
        shopApiPlayground: false,
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        requireVerification: false,
        superadminCredentials: {
            identifier: env('ECRM_VENDURE_ADMIN'),
            password: env('ECRM_VENDURE_ADMIN_PASSWORD'),
        },
        cookieOptions: { secret: 'ecrm-test-cookie-secret' },
        // short sessions make the connector's re-login path run in the tests
        sessionDuration: process.env.ECRM_VENDURE_SESSION || '1y',
    },
    dbConnectionOptions: {
        type: 'sqljs',
        location: path.join(dataDir, 'vendure.sqlite'),
        autoSave: true,
        synchronize: true,
        logging: false,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    plugins: [],
};

bootstrap(config)
    .then((app) => {
        console.log(`VENDURE READY ${port}`);
        const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
    })
    .catch((err) => {
        console.error('server.js: Vendure failed to start:', err);
        process.exit(1);
    });
