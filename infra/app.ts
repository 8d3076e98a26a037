/**
 * CDK app entry point, run by the CDK CLI through `cdk.json`
 * (`npx cdk synth`, `npx cdk deploy`). Composition lives in `buildApp`.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.js';

buildApp(new App()).synth();
