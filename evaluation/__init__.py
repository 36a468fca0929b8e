"""gongkai.evaluation"""
