global using Synthstage.Tests;
