import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/app.component';

// Angular 21 apps are zoneless by default; rx-channels works with and without zone.js.
bootstrapApplication(AppComponent).catch((error: unknown) => console.error(error));
