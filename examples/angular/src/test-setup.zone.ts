// Loads zone.js and zone.js/testing, and sets TestBed up with zone change detection.
import { setupZoneTestEnv } from 'jest-preset-angular/setup-env/zone';

setupZoneTestEnv();
