"""Forecasting the rest of a season: the races still to come simulated many times, each simulated season taken
through the same chain as a real one (results → lists → allocation), and the places counted per NOC and column.

The pieces, in the order a forecast uses them:

* :mod:`~qualify.forecast.fields`: who may start in each event of each race still to come (a :class:`Fields`), with
  a strength per entrant that a results model fills in;
* :mod:`~qualify.forecast.sample`: finishing places drawn from those strengths (Plackett-Luce), as rank arrays;
* :mod:`~qualify.forecast.cells`: what is counted: the system's Summary columns per NOC;
* :mod:`~qualify.forecast.reference`: the reference evaluation, one simulated season at a time through the engine
  that explains. A batch engine evaluates the same outcomes many seasons at once and must agree with it.
"""
